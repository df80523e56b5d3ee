"""The kernel: settings, errors, the record, the taxonomy and text primitives every layer shares."""
