"""The explorer's pages; each module has `layout(app_ctx, params)` and `register(app, app_ctx)`."""
