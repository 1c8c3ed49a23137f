"""Recorded-shape data written on demand, for the demo and the tests: FIT files written with
garmin-fit-sdk's Encoder (fit_writer.py) and the demo's season of watch files (season.py).

Like every connector it stores nothing: it writes files that the real importers then read.
"""
