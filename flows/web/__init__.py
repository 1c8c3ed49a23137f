"""The web app of `ironmiles serve`: create_app (app.py) and one router module per feature."""
