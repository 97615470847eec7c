//! The typical posts the benchmark and the profiling driver both lint, so their
//! figures are about the same text.

/// Typical brand posts of exactly 280 characters (Unicode scalar values; the
/// Arabic one has a tanween mark), written for this benchmark.
pub const EN: &str = "We're excited to announce our new autumn menu! Three soups, two stews and fresh bread every morning. \
Shop now at our Main Street store or order online, limited time offer. Tag a friend who needs a warm lunch this week, bring \
them too! #autumn #food #lunch https://example.com/menu";
pub const DE: &str = "Wir freuen uns, Ihnen unser neues Herbstmenü vorzustellen! Drei Suppen, zwei Eintöpfe und jeden Morgen \
frisches Brot. Jetzt bestellen im Laden in der Hauptstraße oder online, nur für kurze Zeit. Markiere eine Freundin, die \
mittags Hunger hat #herbst #essen https://example.de/menu";
pub const AR: &str = "يسعدنا أن نعلن عن قائمة الخريف الجديدة! ثلاثة أنواع من الشوربة وطبقان من اليخنة وخبز طازج كل صباح. \
اطلب الآن من فرعنا في الشارع الرئيسي أو عبر الموقع، العرض لفترة محدودة. شارك المنشور مع صديق يحب الغداء الدافئ في ليالي \
الشتاء الباردة جدًا #الخريف #طعام https://example.com/ar/menu";
