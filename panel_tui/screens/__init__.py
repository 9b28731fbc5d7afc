"""The panel's screens; imported lazily through `registry` so start-up stays small."""
