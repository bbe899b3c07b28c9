// Form helpers: character counters (progressive enhancement).
