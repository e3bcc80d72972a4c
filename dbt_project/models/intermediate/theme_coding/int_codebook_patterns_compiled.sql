-- The codebook patterns and exclusions exactly as the coding engine runs them (for audit).
{{ codebook_compiled_patterns() }}
