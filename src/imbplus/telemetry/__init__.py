"""STB activity telemetry (P02, P03, P13): ingest, Parquet store, analytics, retention."""
