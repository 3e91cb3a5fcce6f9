#!/usr/bin/env python3
"""Records the seeds of the `responses` and `aws_error_parser` fuzz targets: the raw HTTP
bodies moto (tools/emulator's AWS) answers to the calls the typed clients make, successes
and errors. Rerun after changing which calls responses_fuzz.cc makes:

    python3 fuzz/record_responses.py

Each seed of fuzz/corpus/responses is <operation letter><status digit><body>, the input
format of src/services/responses_fuzz.cc ('0': HTTP 200, '1': HTTP 400); each seed of
fuzz/corpus/aws_error_parser is <protocol/header byte><status byte><body>
(src/aws/aws_error_parser_fuzz.cc).
"""
import os
import pathlib

import boto3
from moto import mock_aws

ROOT = pathlib.Path(__file__).resolve().parent
REGION = "us-east-1"
# responses_fuzz.cc's kCalls, by letter.
OPS = {
    "DescribeDBInstances": "a", "PromoteReadReplica": "c", "DescribeDBClusters": "d",
    "PromoteReadReplicaDBCluster": "e", "FailoverGlobalCluster": "f",
    "DescribeAutoScalingGroups": "g", "UpdateAutoScalingGroup": "h", "ListServices": "i",
    "DescribeServices": "j", "UpdateService": "k", "ListTasks": "l", "DescribeTasks": "m",
    "DescribeTargetGroups": "n", "DescribeTargetHealth": "o", "RegisterTargets": "p",
    "DescribeInstances": "q", "GetCallerIdentity": "r", "ChangeResourceRecordSets": "s",
    "GetChange": "t", "Publish": "u",
    # "GetMetricData": "x" has a hand-written seed: boto3 speaks CBOR to CloudWatch, and
    # drfailover the query protocol.
}
# aws_error_parser_fuzz.cc's protocol index (byte 0, low 3 bits).
PROTOCOL = {"rds": 0, "autoscaling": 0, "elbv2": 0, "sts": 0, "sns": 0, "ec2": 1, "ecs": 2,
            "route53": 3}
recorded = []  # (service, operation, status, body)


def record(response_dict, model):
    recorded.append((model.service_model.endpoint_prefix, model.name,
                     response_dict["status_code"], response_dict["body"]))


def client(service):
    c = boto3.client(service, region_name=REGION)
    c.meta.events.register("before-parse", lambda **kw: record(
        kw["response_dict"], kw["operation_model"]))
    return c


def attempt(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except Exception:  # error replies are what we want to record too
        pass


@mock_aws
def exercise():
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # for ECS tasks
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="dr", Description="dr", VpcId=vpc)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)
    ec2.describe_instances()
    attempt(ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"])

    rds = client("rds")
    rds.create_db_instance(DBInstanceIdentifier="dr-app-db-primary", Engine="postgres",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                           MasterUsername="admin", MasterUserPassword="password123")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="dr-app-db",
                                        SourceDBInstanceIdentifier="dr-app-db-primary")
    rds.describe_db_instances(DBInstanceIdentifier="dr-app-db")
    rds.promote_read_replica(DBInstanceIdentifier="dr-app-db", BackupRetentionPeriod=7)
    attempt(rds.promote_read_replica, DBInstanceIdentifier="dr-app-db-primary")
    attempt(rds.describe_db_instances, DBInstanceIdentifier="missing-db")
    attempt(rds.describe_db_clusters, DBClusterIdentifier="missing-cluster")

    asg = client("autoscaling")
    asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="dr-jenkins",
                                  LaunchConfigurationName="lc", MinSize=0, MaxSize=3,
                                  DesiredCapacity=1, VPCZoneIdentifier=subnet)
    asg.update_auto_scaling_group(AutoScalingGroupName="dr-jenkins", MinSize=1, MaxSize=3,
                                  DesiredCapacity=1)
    asg.describe_auto_scaling_groups(AutoScalingGroupNames=["dr-jenkins"])
    attempt(asg.update_auto_scaling_group, AutoScalingGroupName="missing", MinSize=1)

    elb = client("elbv2")
    tg = elb.create_target_group(Name="dr-jenkins-tg", Protocol="HTTP", Port=8080,
                                 VpcId=vpc, TargetType="instance")["TargetGroups"][0]
    instance = ec2.describe_instances()["Reservations"][0]["Instances"][0]["InstanceId"]
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                         Targets=[{"Id": instance, "Port": 8080}])
    elb.describe_target_groups()
    elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])
    attempt(elb.describe_target_groups, TargetGroupArns=[tg["TargetGroupArn"] + "0"])

    ecs = client("ecs")
    ecs.create_cluster(clusterName="dr")
    ecs.register_task_definition(family="frontend", networkMode="awsvpc",
                                 containerDefinitions=[{"name": "web", "image": "nginx",
                                                        "memory": 128}])
    ecs.create_service(cluster="dr", serviceName="frontend", taskDefinition="frontend",
                       desiredCount=0, launchType="FARGATE",
                       networkConfiguration=network)
    ecs.list_services(cluster="dr")
    ecs.update_service(cluster="dr", service="frontend", desiredCount=1)
    ecs.describe_services(cluster="dr", services=["frontend", "missing"])
    tasks = ecs.run_task(cluster="dr", taskDefinition="frontend", launchType="FARGATE",
                         networkConfiguration=network)
    ecs.list_tasks(cluster="dr")
    ecs.describe_tasks(cluster="dr", tasks=[t["taskArn"] for t in tasks["tasks"]])
    attempt(ecs.list_services, cluster="missing")
    attempt(ecs.update_service, cluster="dr", service="missing", desiredCount=1)

    client("sts").get_caller_identity()
    sns = client("sns")
    topic = sns.create_topic(Name="dr")["TopicArn"]
    sns.publish(TopicArn=topic, Message="failover", Subject="DR")
    attempt(sns.publish, TopicArn=topic + "-missing", Message="m")

    r53 = client("route53")
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"]
    change = r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "api.example.com", "Type": "CNAME",
                                                  "TTL": 60,
                                                  "ResourceRecords": [{"Value": "dr"}]}}]})
    r53.get_change(Id=change["ChangeInfo"]["Id"])
    attempt(r53.change_resource_record_sets, HostedZoneId="ZMISSING",
            ChangeBatch={"Changes": []})


def write(directory, name, data):
    path = ROOT / "corpus" / directory
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data)


def main():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    exercise()
    seen = set()
    for service, operation, status, body in recorded:
        key = (operation, status >= 300)
        if operation not in OPS or key in seen or not body:
            continue
        seen.add(key)
        ok = status < 300
        write("responses", f"{operation}-{status}",
              OPS[operation].encode() + (b"0" if ok else b"1") + body)
        if not ok:
            write("aws_error_parser", f"{service}-{operation}-{status}",
                  bytes([PROTOCOL.get(service, 0) | 8, 0]) + body)
    print(f"recorded {len(seen)} replies")


if __name__ == "__main__":
    main()
