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

__all__ = ["CHANNELS"]

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
