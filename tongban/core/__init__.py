"""Shared kernel: domain errors, logging, the API's JSON rendering and small helpers every app uses."""
