#!/usr/bin/env python3
"""Creates an S3 bucket (if missing) and puts objects in it, with boto3: test setup for
drfailover's S3 client against moto (src/testing/s3_objects.h).

Reads {"endpoint", "region", "bucket", "objects": {key: text}} on stdin; prints "ok".
Dummy credentials are used unless the environment has some.
"""
import json
import os
import sys

import boto3


def main():
    spec = json.load(sys.stdin)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    s3 = boto3.client("s3", endpoint_url=spec["endpoint"], region_name=spec["region"])
    bucket = spec["bucket"]
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        kwargs = {"Bucket": bucket}
        if spec["region"] != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": spec["region"]}
        s3.create_bucket(**kwargs)
    for key, text in spec["objects"].items():
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"))
    print("ok")


if __name__ == "__main__":
    main()
