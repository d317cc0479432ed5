"""Tongban (通办): the platform behind 武汉都市圈政务服务“圈内通办”."""
