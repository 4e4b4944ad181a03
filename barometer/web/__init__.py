"""The web layer: Dash pages with thin callbacks, and the REST API, on one Flask server."""
