"""One router per resource; ``app.py`` wires them under ``/v1``."""
