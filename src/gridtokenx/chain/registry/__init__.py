"""Client of the Registry program: users, meters and minting GXT from signed readings."""
