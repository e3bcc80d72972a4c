"""One dynamic partition per landed programme-records file, keyed by the SHA-256 of its bytes:
the same bytes dropped twice (under any name) map to the same partition and load once."""

import dagster as dg

programme_record_files = dg.DynamicPartitionsDefinition(name="programme_record_files")
