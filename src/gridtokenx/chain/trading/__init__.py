"""Client of the Trading program: markets, escrowed orders, matcher-proposed settlement."""
