"""Electronic licenses (电子证照): license types with their metadata definitions, licenses with GB/T 36904
identifiers and a status history, issuing organizations' SM2 seals, verification by anyone with the published
public keys, the holder's wallet, presentations (亮证) and consented use in applications (免证明)."""
