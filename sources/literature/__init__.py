"""Literature on learning teams: search queries (configuration), raw page files, incremental
state and the DuckDB raw layer shared by the OpenAlex and ERIC connectors."""
