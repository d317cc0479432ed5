from django.db import models


class RegionKind(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    ZONE = "zone", "开发区"


class OrganizationKind(models.TextChoices):
    DEPARTMENT = "department", "政府部门"
    SERVICE_CENTER = "service_center", "政务服务中心"
    INSTITUTION = "institution", "事业单位"
    ENTERPRISE = "enterprise", "公共服务企业"


class KioskStatus(models.TextChoices):
    ACTIVE = "active", "运行中"
    MAINTENANCE = "maintenance", "维护中"
    RETIRED = "retired", "已停用"
