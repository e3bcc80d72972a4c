"""One static partition per configured indicator (the codes of the seed workforce_indicators.csv):
an indicator the API refuses (e.g. archived) is one red partition, the others still load."""

import dagster as dg

from sources.worldbank.config import load_indicators

worldbank_indicators = dg.StaticPartitionsDefinition([i.code for i in load_indicators()])
