"""Seeds moto (directly, not through the proxy) with the reference pilot-light deployment:
a primary DB in eu-west-1 with a cross-region read replica in us-east-1, and in us-east-1
a VPC, two ASGs at 0, an ECS cluster with five services at 0 and an ALB's target groups.

The ASGs carry no TargetGroupARNs: moto would register their instances itself, and the
failover tool is the one that must register targets."""

import json
import urllib.request

DR_REGION = "us-east-1"
PRIMARY_REGION = "eu-west-1"
DB_ID = "dr-app-db"
PRIMARY_DB_ID = "dr-app-db-primary"
JENKINS_ASG = "dr-jenkins"
MONITORING_ASG = "dr-monitoring"
CLUSTER = "dr"
# One of moto's built-in AMIs (DescribeImages would cost seconds).
REFERENCE_AMI = "ami-03cf127a"
# service name -> container port (the IP target group uses the same port)
SERVICES = {"frontend": 80, "notification-service": 8081, "user-service": 8082,
            "task-api": 8083, "kafka": 9092}
# target group name -> (type, port, protocol, source)
TARGET_GROUPS = {
    "dr-jenkins-tg": ("instance", 8080, "HTTP", JENKINS_ASG),
    "dr-prometheus-tg": ("instance", 9090, "HTTP", MONITORING_ASG),
    "dr-grafana-tg": ("instance", 3000, "HTTP", MONITORING_ASG),
    "dr-jaeger-tg": ("instance", 16686, "HTTP", MONITORING_ASG),
    **{f"dr-{svc}-tg": ("ip", port, "TCP" if svc == "kafka" else "HTTP", f"{CLUSTER}/{svc}")
       for svc, port in SERVICES.items()},
}


def warm_up(clients):
    """One cheap call per service: moto imports a service's code (EC2's takes seconds) on
    its first request, and that must not land on a client's first call."""
    clients.get("ec2", DR_REGION).describe_vpcs()
    clients.get("rds", DR_REGION).describe_db_instances()
    clients.get("autoscaling", DR_REGION).describe_auto_scaling_groups()
    clients.get("ecs", DR_REGION).list_clusters()
    clients.get("elbv2", DR_REGION).describe_load_balancers()
    clients.get("cloudwatch", DR_REGION).list_metrics()  # the replica-lag guard's service


ALL_PARTS = ("db", "network", "asgs", "ecs", "elb")


def seed_moto_random(clients, value):
    """Seeds moto's random generator (ids): the same calls after the same seed give the same
    ids, which is how the shards of a sharded emulator (shards.py) each get the same
    network (VPC, subnets, security group) in their own moto."""
    req = urllib.request.Request(f"{clients.endpoint_url}/moto-api/seed?a={int(value)}",
                                 data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()


def seed_reference(clients, parts=ALL_PARTS, network_seed=None):
    """Creates the deployment's `parts` (all: everything, then `finish_reference`); returns
    the resources dict printed in the READY line. `network_seed`: see seed_moto_random."""
    res = {"region": DR_REGION}
    if "db" in parts:
        res.update(_seed_db(clients))
    net = None
    if "network" in parts:
        if network_seed is not None:
            seed_moto_random(clients, network_seed)
        net = _seed_network(clients)
        res.update(net)
    if "asgs" in parts:
        res.update(_seed_asgs(clients, net))
    if "ecs" in parts:
        res.update(_seed_ecs(clients, net))
    if "elb" in parts:
        res.update(_seed_elb(clients, net))
    if set(ALL_PARTS) <= set(parts):
        finish_reference(res)
    return res


def finish_reference(res):
    """Adds what needs the whole deployment (the original function's environment)."""
    res["env"] = {
        "DB_INSTANCE_IDENTIFIER": DB_ID,
        "JENKINS_ASG_NAME": JENKINS_ASG,
        "MONITORING_ASG_NAME": MONITORING_ASG,
        "ECS_CLUSTER_NAME": CLUSTER,
        "ECS_SERVICES": ",".join(SERVICES),
        "TARGET_GROUPS": res["TARGET_GROUPS"],
    }
    return res


def _seed_db(clients):
    primary = clients.get("rds", PRIMARY_REGION).create_db_instance(
        DBInstanceIdentifier=PRIMARY_DB_ID, DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="app", MasterUserPassword="not-a-secret-1", AllocatedStorage=20,
        BackupRetentionPeriod=7)["DBInstance"]
    # Cross-region: source by ARN, and no DBSubnetGroupName (moto looks it up in the
    # primary's region and rejects it).
    replica = clients.get("rds", DR_REGION).create_db_instance_read_replica(
        DBInstanceIdentifier=DB_ID, SourceDBInstanceIdentifier=primary["DBInstanceArn"],
        DBInstanceClass="db.t3.micro")["DBInstance"]
    return {"db_instance": DB_ID, "db_instance_arn": replica["DBInstanceArn"],
            "primary_db_instance": PRIMARY_DB_ID, "primary_region": PRIMARY_REGION,
            "primary_db_instance_arn": primary["DBInstanceArn"]}


def _seed_network(clients):
    ec2 = clients.get("ec2", DR_REGION)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    # ECS RunTask with awsvpc fails in moto unless the VPC has DNS hostnames.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24",
                          AvailabilityZone=f"{DR_REGION}{az}")["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="dr-app", Description="DR app",
                                   VpcId=vpc)["GroupId"]
    image = REFERENCE_AMI
    ec2.create_launch_template(
        LaunchTemplateName="dr-pilot-light",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.medium",
                            "SecurityGroupIds": [sg]})
    return {"vpc_id": vpc, "subnet_ids": subnets, "security_group_id": sg,
            "launch_template": "dr-pilot-light"}


def _seed_asgs(clients, net):
    asg = clients.get("autoscaling", DR_REGION)
    for name in (JENKINS_ASG, MONITORING_ASG):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=0, DesiredCapacity=0,
            LaunchTemplate={"LaunchTemplateName": net["launch_template"],
                            "Version": "$Latest"},
            VPCZoneIdentifier=",".join(net["subnet_ids"]))
    return {"asgs": [JENKINS_ASG, MONITORING_ASG], "jenkins_asg": JENKINS_ASG,
            "monitoring_asg": MONITORING_ASG}


def _seed_ecs(clients, net):
    ecs = clients.get("ecs", DR_REGION)
    cluster_arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]
    services = {}
    for svc, port in SERVICES.items():
        # moto's awsvpc RunTask needs cpu and memory on every container.
        td = ecs.register_task_definition(
            family=f"dr-{svc}", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512",
            containerDefinitions=[{"name": svc, "image": f"example.invalid/{svc}:1",
                                   "cpu": 256, "memory": 512, "essential": True,
                                   "portMappings": [{"containerPort": port,
                                                     "protocol": "tcp"}]}],
        )["taskDefinition"]["taskDefinitionArn"]
        arn = ecs.create_service(
            cluster=CLUSTER, serviceName=svc, taskDefinition=td, desiredCount=0,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": net["subnet_ids"], "securityGroups": [net["security_group_id"]],
                "assignPublicIp": "DISABLED"}},
        )["service"]["serviceArn"]
        services[svc] = {"arn": arn, "task_definition": td, "port": port}
    return {"ecs_cluster": CLUSTER, "ecs_cluster_arn": cluster_arn,
            "ecs_services": list(SERVICES), "ecs_service_details": services}


def _seed_elb(clients, net):
    elb = clients.get("elbv2", DR_REGION)
    lb = elb.create_load_balancer(Name="dr-alb", Subnets=net["subnet_ids"],
                                  SecurityGroups=[net["security_group_id"]],
                                  Scheme="internet-facing",
                                  Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    groups, legacy = {}, {}
    for name, (kind, port, protocol, source) in TARGET_GROUPS.items():
        health = ({"HealthCheckProtocol": "HTTP", "HealthCheckPath": "/"}
                  if protocol == "HTTP" else {"HealthCheckProtocol": "TCP"})
        arn = elb.create_target_group(
            Name=name, Protocol=protocol, Port=port, VpcId=net["vpc_id"], TargetType=kind,
            **health)["TargetGroups"][0]["TargetGroupArn"]
        source_key = "source_asg" if kind == "instance" else "source_ecs"
        groups[name] = {"arn": arn, "type": kind, "port": port, "protocol": protocol,
                        source_key: source}
        legacy[arn] = {"type": kind, source_key: source}
    _seed_listener(elb, lb, groups)
    return {"load_balancer_arn": lb, "target_groups": groups,
            "TARGET_GROUPS": json.dumps(legacy, separators=(",", ":"))}


def _seed_listener(elb, lb, groups):
    """HTTP :80 forwards to the frontend; one path rule per other HTTP target group."""
    listener = elb.create_listener(
        LoadBalancerArn=lb, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward",
                         "TargetGroupArn": groups["dr-frontend-tg"]["arn"]}],
    )["Listeners"][0]["ListenerArn"]
    priority = 1
    for name, tg in groups.items():
        if tg["protocol"] != "HTTP" or name == "dr-frontend-tg":
            continue
        path = "/" + name.removeprefix("dr-").removesuffix("-tg") + "/*"
        elb.create_rule(ListenerArn=listener, Priority=priority,
                        Conditions=[{"Field": "path-pattern", "Values": [path]}],
                        Actions=[{"Type": "forward", "TargetGroupArn": tg["arn"]}])
        priority += 1
