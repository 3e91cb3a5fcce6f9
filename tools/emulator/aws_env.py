"""The process environment of a client of the emulated region: it can reach only the
emulator, never a real account or the developer's AWS configuration."""

import os

# Variables that would let a run reach a real account or the developer's configuration.
_AWS_LEAKS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
              "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
              "AWS_CONTAINER_CREDENTIALS_FULL_URI", "DRF_PLAN_FILE")
# Per-service endpoints (AWS_ENDPOINT_URL_ECS, ...) and the switch that ignores them all
# would send a client past the emulator; a sharded emulator sets its own (overrides).
_ENDPOINT_PREFIXES = ("AWS_ENDPOINT_URL_", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")


def isolated_env(endpoint, region="us-east-1", **overrides):
    """A process environment that can reach only `endpoint`: this process's environment
    without what could point at a real account or elsewhere (per-service endpoint
    variables included), dummy credentials, `endpoint` as every AWS endpoint, no shared
    config files, no instance metadata. `overrides` are added (`None` removes a variable)."""
    env = {k: v for k, v in os.environ.items()
           if k not in _AWS_LEAKS and not k.startswith(_ENDPOINT_PREFIXES)}
    env.update({"AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_EC2_METADATA_DISABLED": "true"})
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env
