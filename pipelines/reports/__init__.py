"""Reports for analysts, made from the published copy after each publish: country-profile
exports (CSV, XLSX) and pictures (PNG, SVG) with an offline HTML index."""
