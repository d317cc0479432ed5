"""The triage lists and thresholds a new board starts with; moderators edit them afterwards.

Junk: whole-post phrases only (a post that is just "测试" or "123"; "测试" inside a real question is fine).
Abusive: insults as they are typed, anywhere in the text or name. Words that also have an innocent use are
listed in the phrase that makes them insults: "垃圾" alone would hold every question about 垃圾分类 and
"废物" every one about 危险废物 permits, so the list has 垃圾政府, 一群废物 …; "他妈的" is left out because
"他妈妈的社保" contains it once repeated characters are read once.
"""

from django.db import migrations

JUNK = [
    ("测试", "测试帖"),
    ("测试一下", "测试帖"),
    ("试一下", "测试帖"),
    ("试试", "测试帖"),
    ("test", "测试帖"),
    ("testing", "测试帖"),
    ("123", "测试帖"),
    ("1234", "测试帖"),
    ("12345", "测试帖"),
    ("111", "测试帖"),
    ("1111", "测试帖"),
    ("666", "无内容"),
    ("asdf", "乱按键盘"),
    ("qwer", "乱按键盘"),
    ("aaa", "乱按键盘"),
    ("。。。", "只有标点"),
    ("？？？", "只有标点"),
    ("你好", "只有问候"),
    ("您好", "只有问候"),
    ("在吗", "只有问候"),
    ("有人吗", "只有问候"),
    ("哈哈", "无内容"),
    ("无", "无内容"),
    ("同问", "无内容"),
]

ABUSIVE = [
    ("傻逼", ""),
    ("傻B", ""),
    ("傻X", ""),
    ("煞笔", "谐音"),
    ("沙比", "谐音"),
    ("脑残", ""),
    ("王八蛋", ""),
    ("混蛋", ""),
    ("狗官", ""),
    ("狗东西", ""),
    ("人渣", ""),
    ("贱人", ""),
    ("去死吧", ""),
    ("滚蛋", ""),
    ("垃圾政府", "“垃圾”单独不列入，以免误拦垃圾分类等正常提问"),
    ("垃圾部门", "同上"),
    ("垃圾官员", "同上"),
    ("一群垃圾", "同上"),
    ("都是垃圾", "同上"),
    ("一群废物", "“废物”单独不列入，以免误拦危险废物等正常提问"),
    ("都是废物", "同上"),
    ("一帮废物", "同上"),
    ("操你", ""),
    ("草泥马", "谐音"),
]


def load(apps, schema_editor):
    TriageWord = apps.get_model("consult", "TriageWord")
    TriageThresholds = apps.get_model("consult", "TriageThresholds")
    TriageThresholds.objects.get_or_create(pk=1)
    for kind, whole, rows in (("junk", True, JUNK), ("abusive", False, ABUSIVE)):
        for phrase, note in rows:
            TriageWord.objects.get_or_create(
                kind=kind, phrase=phrase, defaults={"whole": whole, "note": note, "active": True}
            )


def unload(apps, schema_editor):
    TriageWord = apps.get_model("consult", "TriageWord")
    for kind, rows in (("junk", JUNK), ("abusive", ABUSIVE)):
        TriageWord.objects.filter(kind=kind, phrase__in=[phrase for phrase, _ in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("consult", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
