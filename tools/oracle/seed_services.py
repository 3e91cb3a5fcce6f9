#!/usr/bin/env python3
"""Creates, with boto3, what the services integration test needs beyond the emulator's
reference seed (tools/emulator/seed.py): an Aurora replica cluster of a cluster in the
primary region, a Route 53 hosted zone, an SNS topic and three minutes of the replica's
ReplicaLag metric in CloudWatch.

Usage: seed_services.py --endpoint http://127.0.0.1:<moto port>
Prints one JSON object naming what it made (keys below).
"""
import argparse
import datetime
import json
import sys

import boto3

REGION = "us-east-1"
PRIMARY_REGION = "eu-west-1"


def client(service, endpoint, region=REGION):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="AKID", aws_secret_access_key="SECRET")


def seed_aurora(endpoint):
    """`orders` in the primary region, and `orders-dr` replicating it here, with one
    writer instance."""
    login = {"MasterUsername": "dr", "MasterUserPassword": "password123"}
    primary = client("rds", endpoint, PRIMARY_REGION).create_db_cluster(
        DBClusterIdentifier="orders", Engine="aurora-postgresql", **login)["DBCluster"]
    rds = client("rds", endpoint)
    replica = rds.create_db_cluster(
        DBClusterIdentifier="orders-dr", Engine="aurora-postgresql",
        ReplicationSourceIdentifier=primary["DBClusterArn"], **login)["DBCluster"]
    rds.create_db_instance(DBInstanceIdentifier="orders-dr-1", DBClusterIdentifier="orders-dr",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    return {"source_cluster_arn": primary["DBClusterArn"], "replica_cluster": "orders-dr",
            "replica_cluster_arn": replica["DBClusterArn"], "replica_instance": "orders-dr-1"}


def seed_replica_lag(endpoint, instance):
    """ReplicaLag of `instance` one, two and three minutes ago: 30, 20 and 10 seconds."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    data = [{"MetricName": "ReplicaLag", "Value": float(10 * minutes), "Unit": "Seconds",
             "Timestamp": now - datetime.timedelta(minutes=minutes),
             "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}]}
            for minutes in (1, 2, 3)]
    client("cloudwatch", endpoint).put_metric_data(Namespace="AWS/RDS", MetricData=data)
    return {"lag_instance": instance, "lag_latest_seconds": 10.0, "lag_max_seconds": 30.0}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True)
    args = parser.parse_args()
    out = seed_aurora(args.endpoint)
    out.update(seed_replica_lag(args.endpoint, "dr-app-db"))
    zone = client("route53", args.endpoint).create_hosted_zone(
        Name="dr.example.com.", CallerReference="drfailover-services-test")["HostedZone"]
    out["hosted_zone_id"] = zone["Id"]  # "/hostedzone/<id>"
    out["zone_name"] = zone["Name"]
    out["topic_arn"] = client("sns", args.endpoint).create_topic(
        Name="drfailover-events")["TopicArn"]
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
