"""The answer parser's Chinese-only patterns: how a model's Chinese answer denies, hedges, joins and explains words.

:func:`judges.answer_parsing.words_from_answer` reads English and Chinese answers with the same rules; these are the
rules with no English counterpart in the same pattern (the mixed ones, such as a lead-in's "情绪：" beside "Emotions:",
stay in that module). Kept apart so that either language's patterns can be read without the other's. A change here
reads some answers differently: bump :data:`judges.answer_parsing.PARSER_VERSION`.
"""
from __future__ import annotations

import re

from judges.han_characters import HAN

__all__ = ["ASPECT_ZH", "CLAUSE_ZH", "DENIED_ZH", "EMOTION_UNSHOWN_ZH", "FIELD_ZH", "FILLER_ZH", "HEDGE_ZH", "JOINER_ZH", "MAX_HAN_PER_LABEL",
           "MAX_HAN_BY_STOP", "NUMBERING_ZH", "NUMERAL_ZH", "OPENER_ZH", "OR_ZH", "SENTENCE_LEAD_IN_ZH", "STOP_BETWEEN_WORDS_ZH", "UNSHOWN_ZH",
           "UNSURE_ZH", "numeral_value"]

# A denied emotion in Chinese: "没有..."/"沒有..." (no ...), "...不明显" (... not evident: "其他情绪不明显" other emotions not
# evident, "愤怒不明显"), and "无"/"無" only as "(no) emotion", since it begins emotion words too (无奈 helpless, 无聊 bored).
DENIED_ZH = re.compile("^(?:(?:\u6ca1\u6709|\u6c92\u6709).*|.+\u4e0d\u660e[\u663e\u986f]"
                       "|(?:\u65e0|\u7121)(?:\u660e\u663e|\u660e\u986f|\u7279\u522b|\u7279\u5225|\u4efb\u4f55)?\u7684?(?:\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f|\u8868\u60c5)?)$")
# A "but not evident" after a word ("开心但不明显" happy but not evident, "有点紧张，但不太明显", "紧张，但表现不明显" but it does not
# show): the word is felt, only not shown clearly, as English "happy but not obvious" gives happy; dropped before DENIED_ZH,
# which reads "...不明显" without it as a denial ("愤怒不明显" anger not evident).
UNSHOWN_ZH = re.compile("(?:\u4f46\u662f?|\u5374|\u537b|\u53ea\u662f|\u4e0d\u8fc7|\u4e0d\u904e)(?:\u5e76|\u4e26)?"
                        "(?:\u8868\u73b0|\u8868\u73fe)?\u4e0d(?:\u592a|\u5f88|\u662f\u5f88|\u662f\u592a)?\u660e[\u663e\u986f]$")
# The colon between an emotion field and a "not evident" that is its whole value ("情绪：不明显" emotion: not evident, "其他情绪：
# 不明显"): dropped, so that DENIED_ZH reads "情绪不明显" (no clear emotion), not the word 不明显.
EMOTION_UNSHOWN_ZH = re.compile("(\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f)[ \t]*[:\uff1a][ \t]*(?=\u4e0d\u660e[\u663e\u986f]"
                                "(?:$|[\\s,;.!\uff0c\u3001\uff1b\u3002\uff01]))", re.MULTILINE)
# "Cannot judge / determine / tell (the emotion)" in Chinese, simplified or traditional: a non-answer; so is a "not evident"
# naming nothing ("不明显", "不太明显"; "开心，不明显": 开心), as English "Not evident." and "happy, not obvious".
UNSURE_ZH = re.compile("^(?:\u65e0\u6cd5|\u7121\u6cd5|\u4e0d\u80fd|\u96be\u4ee5|\u96e3\u4ee5)(?:\u5224\u65ad|\u5224\u65b7|\u786e\u5b9a|\u78ba\u5b9a|\u8bc6\u522b|\u8b58\u5225|\u8bf4|\u8aaa).*$"
                       "|^\u4e0d(?:\u592a|\u5f88|\u662f\u5f88|\u662f\u592a)?\u660e[\u663e\u986f]$")
# Chinese joiners between two words of two characters or more ("开心和兴奋", "開心與興奮", "开心或者紧张"), not inside one
# ("平和" calm, "心态平和乐观", "比较温和友善", "一团和气", "不可或缺", "参与感", "来不及", "或许": the character before or after makes
# the joiner part of a word); and a "but", "and also" or hedge ("maybe", "seems") opening an item ("但有点紧张", "可能是开心").
JOINER_ZH = re.compile("(?<=[" + HAN + "]{2})(?:\u4ee5\u53ca|\u6216\u8005"
                       "|(?<![\u5e73\u6e29\u6eab\u67d4\u968f\u96a8\u7965\u8c26\u8b19\u7f13\u7de9\u6696\u4eb2\u89aa\u8c03\u8abf\u9644\u6c14\u6c23"
                       "\u4e2d\u9971\u98fd\u5171\u603b\u7e3d\u8bb2\u8b1b\u56e2\u5718])\u548c"  # 和, not in 平和, 温和, 一团和气...
                       "|(?<![\u53c2\u53c3\u7ed9\u7d66\u8d4b\u8ce6])[\u4e0e\u8207]"  # 与, not in 参与, 给与
                       "|(?<![\u4e0d\u6d89\u666e\u6ce2\u4f01])\u53ca"  # 及, not in 来不及, 涉及
                       "|(?<!\u53ef)\u6216(?![\u8bb8\u8a31]))"  # 或, not in 不可或缺, 或许
                       "(?=[" + HAN + "]{2})")
OR_ZH = ("\u6216\u8005", "\u6216")
# Conjunctions ("but", "and also", "at the same time") and hedges ("maybe", "seems"): left alone between commas or at the end
# ("开心，但是" happy, but; "开心，可能" happy, maybe), no word, as English "happy, and" and "happy, maybe" (FILLER_ZH, HEDGE_ZH);
# opening an item before a word ("但是有点紧张", "可能是开心"), dropped from it (OPENER_ZH).
_CONJUNCTIONS_ZH = frozenset({"\u4f46\u662f", "\u4f46", "\u4e0d\u8fc7", "\u4e0d\u904e", "\u800c\u4e14", "\u5e76\u4e14", "\u4e26\u4e14",
                              "\u540c\u65f6", "\u540c\u6642"})
HEDGE_ZH = frozenset({"\u53ef\u80fd", "\u53ef\u80fd\u662f", "\u4e5f\u8bb8", "\u4e5f\u8a31", "\u6216\u8bb8", "\u6216\u8a31",
                      "\u5927\u6982", "\u4f3c\u4e4e", "\u597d\u50cf"})
# alone, also the joiners ("以及", "或者", "和", "或": JOINER_ZH between two words)
FILLER_ZH = _CONJUNCTIONS_ZH | {"\u4ee5\u53ca", "\u6216\u8005", "\u548c", "\u6216"}
# the longer first ("但是" before "但", "可能是" before "可能"), before at least two more characters
OPENER_ZH = re.compile("^(?:" + "|".join(sorted(_CONJUNCTIONS_ZH | HEDGE_ZH, key=lambda word: (-len(word), word))) + ")(?=.{2})")
#: The Chinese digits 一 (1) to 九 (9), in order: item numbers are written with them (NUMBERING_ZH, NUMERAL_ZH).
_ONE_TO_NINE_ZH = "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d"
# An item's number before 、 on the same line as other items ("1、开心 2、难过", "一、开心 二、难过"; Chinese numerals 一 to 十), or
# a number before a full stop or bracket with a Chinese word right after it ("1.开心 2.难过", "1)开心 2)难过", "1）开心"), at the start,
# after white space, a separator or a Chinese full stop ("1、开心。2、难过。"), before a word: read as a line break, as in "1、开心\n2、难过", so that the
# number is no word (一) nor part of the word before it ("开心 二"); after a colon (group 1) it is dropped, the colon kept, so
# that the first item stays its head's value ("表情：1、微笑 2、眼神明亮" as "表情：微笑" and "眼神明亮", not the head alone a word).
NUMBERING_ZH = re.compile("(?:^|(?<=[\\s,;\uff0c\u3001\uff1b\u3002])|([:\uff1a])[ \t]*)(?:(?:\\d{1,2}|[" + _ONE_TO_NINE_ZH + "\u5341]{1,2})"
                          "\u3001[ \t]*(?=[^\\W\\d_])|\\d{1,2}[.)\uff0e\uff09](?=[" + HAN + "]))", re.MULTILINE)
# A Chinese numeral from 一 (1) to 九十九 (99): an item's number in brackets ("（一）开心（二）难过", read by
# judges.answer_parsing as "1)开心 2)难过"); numeral_value gives its value.
NUMERAL_ZH = "[" + _ONE_TO_NINE_ZH[1:] + "]?\u5341[" + _ONE_TO_NINE_ZH + "]?|[" + _ONE_TO_NINE_ZH + "]"  # 二十三; 十二; 三
_DIGITS_ZH = {digit: value for value, digit in enumerate(_ONE_TO_NINE_ZH, 1)}


def numeral_value(numeral: str) -> int:
    """The value of a Chinese numeral NUMERAL_ZH matches: "三" 3, "十" 10, "十二" 12, "二十" 20, "二十三" 23."""
    tens, ten, ones = numeral.rpartition("\u5341")  # 十, ten
    return (_DIGITS_ZH.get(tens, 1) * 10 if ten else 0) + _DIGITS_ZH.get(ones, 0)


# A full stop, Chinese or ASCII, between two Chinese items ("开心。难过。" happy. sad., "开心. 难过.", "1. 开心。2. 难过。"): read as
# a comma, a list's separator, when no item of the answer is a clause (CLAUSE_ZH) and each it parts is a word's length
# (MAX_HAN_BY_STOP; the caller checks both): a description's sentences ("她看起来很开心。她在笑。" she looks happy. she laughs.,
# "开心。原因是笑容。") stay sentences.
STOP_BETWEEN_WORDS_ZH = re.compile("(?<=[" + HAN + "])[ \t]*[\u3002.][ \t]*(?=[" + HAN + "]|\\d{1,2}[.)][ \t]*[" + HAN + "])")
#: The longest item a full stop between words (STOP_BETWEEN_WORDS_ZH) ends or begins in a list: a word's length ("开心", "有点紧张",
#: "心烦意乱"); a longer one is a sentence ("原因是笑容" the reason is the smile, "视频中有笑声" the video has laughter), unless a denial.
#: The cost: a longer graded word ("有一点紧张。开心。", "非常非常开心。难过。") leaves the answer an error, as before full stops
#: parted words; with a comma it reads.
MAX_HAN_BY_STOP = 4
# A Chinese lead-in sentence without a colon ("情绪是开心和兴奋", "这个人的情绪是开心"): as judges.answer_parsing's English one.
SENTENCE_LEAD_IN_ZH = re.compile("^[" + HAN + "]{0,6}?(?:\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f)(?:\u4e3b\u8981)?(?:\u662f|\u4e3a|\u70ba)")
#: A Chinese item longer than this many characters is a sentence ("这个人看起来很开心"), not an emotion word.
MAX_HAN_PER_LABEL = 8
# A Chinese head naming no word, as judges.answer_parsing's field and aspect heads in English: a property of the answer
# (强度 intensity, 倾向 tendency, 极性 polarity), what a line describes (视频 video, 字幕 subtitles, 表情 expression, 语气 tone,
# 声音 voice, 人物 person, 男/女 man/woman, 他/她 he/she), an explanation (原因 reason, 注 note) or a speaker's words (她说 she says;
# 道 "says" only after a speaker, a verb of speaking or how it is said, 她道, 笑道, 喊道, 字幕写道 the subtitle writes, 低声道 says
# softly, 自言自语道, 怒道 says angrily, after a person named by a noun of two characters or more, 男子道 the man says, 女孩道,
# 主持人道, 妈妈道, 对方道, 女子笑着道, 她冷冷地道, or in a head opening with a pronoun, 她冷冷道; not in a word: 霸道 domineering,
# 厚道 kind, 人道 humane, 地道 authentic, 不公道 unfair). A name before it (小明道) is not told from a word.
ASPECT_ZH = re.compile("(?:\u5f3a\u5ea6|\u5f37\u5ea6|\u7a0b\u5ea6|\u503e\u5411|\u50be\u5411|\u6781\u6027|\u6975\u6027|\u7f6e\u4fe1\u5ea6"
                       "|\u7c7b\u522b|\u985e\u5225|\u7c7b\u578b|\u985e\u578b|\u89c6\u9891|\u8996\u983b|\u97f3\u9891|\u97f3\u983b|\u5b57\u5e55"
                       "|\u5185\u5bb9|\u5167\u5bb9|\u63cf\u8ff0|\u573a\u666f|\u5834\u666f|\u80cc\u666f|\u73af\u5883|\u74b0\u5883|\u753b\u9762"
                       "|\u756b\u9762|\u8868\u60c5|\u52a8\u4f5c|\u52d5\u4f5c|\u59ff\u6001|\u59ff\u614b|\u8bed\u6c14|\u8a9e\u6c23|\u8bed\u8c03"
                       "|\u8a9e\u8abf|\u58f0\u97f3|\u8072\u97f3|\u4eba\u7269|\u8bf4\u8bdd\u4eba|\u8aaa\u8a71\u4eba|\u539f\u56e0|\u7406\u7531"
                       "|\u89e3\u91ca|\u89e3\u91cb|\u8bf4\u660e|\u8aaa\u660e|\u5907\u6ce8|\u5099\u8a3b|\u6ce8\u610f|\u5206\u6790"
                       "|\u8bf4|\u8aaa|(?<=[\u4ed6\u5979\u6211\u4f60\u8bf4\u8aaa\u7b11\u558a\u95ee\u554f\u7b54\u53eb\u9a82\u7f75\u53f9\u5606\u54ed"
                       "\u5199\u5beb\u58f0\u8072\u8bed\u8a9e\u6012\u56de\u543c\u56b7\u5ff5\u5531])\u9053"  # 写 声 语 怒 回 吼 嚷 念 唱
                       # a person's noun (人 子 孩 妈 爸 哥 姐 弟 妹 爷 奶 叔 姨 方 角 生 士 师 长 友 者 员 娘 亲 婆 板) or 着, 地 after a character
                       "|(?<=[" + HAN + "][\u4eba\u5b50\u5b69\u5988\u5abd\u7238\u54e5\u59d0\u5f1f\u59b9\u7237\u723a\u5976\u53d4\u59e8"
                       "\u65b9\u89d2\u751f\u58eb\u5e08\u5e2b\u957f\u9577\u53cb\u8005\u5458\u54e1\u5a18\u4eb2\u89aa\u5a46\u677f"
                       "\u7740\u8457\u5730])(?<!\u4e0d[\u4eba\u5730\u516c])\u9053)$"
                       "|^[\u4ed6\u5979\u6211\u4f60][" + HAN + "]*\u9053$"  # 他/她/我/你...道
                       "|^(?:\u6ce8|\u7537|\u5973|\u4ed6|\u5979|\u7537\u4eba|\u5973\u4eba|\u7537\u5b50"
                       "|\u5973\u5b50)$")
# Of those, a property of the answer (强度 intensity, 程度 degree, 置信度 confidence, 极性 polarity, 倾向 tendency), as
# judges.answer_parsing's field heads: with a level ("强度：高" high) no word and no noise.
FIELD_ZH = re.compile("(?:\u5f3a\u5ea6|\u5f37\u5ea6|\u7a0b\u5ea6|\u7f6e\u4fe1\u5ea6|\u6781\u6027|\u6975\u6027|\u503e\u5411|\u50be\u5411)$")
# A Chinese explanation after a word ("开心：她在笑" she laughs, "开心：因为她在笑" because..., "兴奋：声音很高" her voice is high):
# a clause with a pronoun, a person, a "because", "so", "-ing" (正在), a face, voice or body part (声音 voice, 语速 pace of
# speech, 眼神 gaze, 眉头 brows, 双手 hands, 对方 the other one...) or between two characters a "very" (很) or a verb's
# aspect (着 皱着, 了 叹了, 在 手在发抖; not in 沉着 calm, 执着, 不了, 自在 at ease, 在乎/在意 care); no word, unlike Chinese words
# after a word ("紧张：焦虑，不安").
CLAUSE_ZH = re.compile("\u5979|(?<!\u5176)\u4ed6|\u5b83|\u6211|\u4f60|\u4eba\u7269|[\u8fd9\u9019\u4e00][\u4e2a\u500b]\u4eba|\u56e0[\u4e3a\u70ba]"
                       "|\u7531[\u4e8e\u65bc]|\u6240\u4ee5|\u6b63\u5728"
                       "|\u58f0\u97f3|\u8072\u97f3|\u8bed\u6c14|\u8a9e\u6c23|\u8bed\u901f|\u8a9e\u901f|\u8bed\u8c03|\u8a9e\u8abf|\u773c\u795e|\u773c\u775b|\u773c\u7736|\u7709\u5934|\u7709\u982d|\u7709\u6bdb|\u5634\u89d2|\u53cc\u624b|\u96d9\u624b|\u8138\u4e0a|\u81c9\u4e0a|\u9762\u5e26|\u9762\u5e36|\u8868\u60c5|\u52a8\u4f5c|\u52d5\u4f5c|\u8eab\u4f53|\u8eab\u9ad4|\u4f4e\u5934|\u4f4e\u982d|\u5bf9\u65b9|\u5c0d\u65b9"
                       "|(?<=[" + HAN + "])(?:\u5f88|(?<![\u6c89\u6267\u57f7])\u7740|(?<!\u4e0d)\u4e86|(?<![\u81ea\u6b63])\u5728(?![\u4e4e\u610f]))(?=[" + HAN + "])")
