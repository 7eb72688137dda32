"""Intake channels (受理渠道): how a matter reaches a unit, as policy data.

《信访工作条例》第十七条 lists online, letter, phone, fax and visits; grassroots
platforms add the 12345 hotline, QR-code registration, grid workers'
findings (网格员排查), police 110 non-police calls handed to mediation
(警调对接, 《人民调解法》第十八条), court delegation (委派调解, 《民事诉讼法》
第一百二十五条), petitions handed to mediation (访调对接, 《信访工作条例》
第三十三条) and a matter raised on a citizen's behalf (代为反映). An embedder
adds its own codes in ``Policy(channels=...)``.
"""

from __future__ import annotations

from mediation.model import Channel
from mediation.rules.vocabulary import Vocabulary

__all__ = ["CHANNELS", "HANDED_OVER", "OWN_INITIATIVE"]

CHANNELS = Vocabulary(
    "channel",
    {
        **Vocabulary.of(Channel, "channel").labels,
        "fax": "传真",  # 《信访工作条例》第十七条: a written channel, as a letter
        "hotline": "12345热线",
        "qr_code": "扫码登记",
        "grid_report": "网格员排查",
        "police_110": "110非警务警情移交",
        "on_behalf": "代为反映",
    },
)
"""The default channel vocabulary."""

HANDED_OVER: frozenset[str] = frozenset(
    {
        Channel.court_referral.value,
        Channel.police_referral.value,
        Channel.petition_referral.value,
        "police_110",  # 110 non-police calls the police hand over (警调对接, 人民调解法 第十八条)
    }
)
"""Channels of a matter another body delegated or handed over (委派、移交): the source the
受理登记表 ticks (RULES.md §2.1 #1)."""

OWN_INITIATIVE: frozenset[str] = frozenset({Channel.own_initiative.value, "grid_report"})
"""Channels of a matter the committee took up itself (主动调解; a grid worker's finding is the
committee's own screening, 《人民调解工作若干规定》第二十三条): nobody applied, so there is
no 申请书."""
