"""`kvcli serve`: Key Vault's REST data plane over a state home, for the Azure SDKs.

A face like the CLI: requests become calls into `kvcli.core`, whose results are reshaped
into Key Vault's JSON. Needs the `serve` extra (Starlette, uvicorn); the CLI never imports
this package except from `kvcli serve` itself.
"""
