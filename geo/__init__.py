"""Geography: reference boundaries, the point-to-commune join, geocoding and statistics."""
