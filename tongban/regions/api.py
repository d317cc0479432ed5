from ninja import Router

router = Router(tags=["行政区划与机构"])
