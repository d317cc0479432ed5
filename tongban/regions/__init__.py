"""The circle's places: regions (cities, districts, zones), organizations, halls, windows and kiosks."""
