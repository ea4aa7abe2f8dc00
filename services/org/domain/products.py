"""Product categories: "the same or similar product" (经营品种相同或相近, seed 二.2).

A professional committee (专业团委) spans cooperatives of the same or a similar product;
similar means the same product category, not the same text: an apple cooperative and a pear
cooperative both belong under a fruit committee. `CATEGORIES` is the county's table
(zh-CN and English names of products and of the categories themselves); a text not in it is
its own category (compared without case and surrounding spaces), so an unknown product
still matches itself. Extend the table here; the version is recorded in `TAXONOMY_VERSION`.
"""

from __future__ import annotations

TAXONOMY_VERSION = "2024-1"

# category code -> (zh-CN label, names of the category and its products, zh-CN and English)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "fruit": ("水果", ("水果", "果品", "fruit", "fruits", "苹果", "apple", "apples", "梨", "pear",
                       "桃", "peach", "葡萄", "grape", "樱桃", "cherry", "猕猴桃", "kiwi",
                       "柑橘", "citrus", "草莓", "strawberry", "枣", "jujube", "杏", "apricot")),
    "vegetable": ("蔬菜", ("蔬菜", "vegetable", "vegetables", "大棚蔬菜", "黄瓜", "cucumber",
                           "西红柿", "番茄", "tomato", "辣椒", "pepper", "大姜", "生姜", "ginger",
                           "大蒜", "garlic", "白菜", "cabbage", "食用菌", "蘑菇", "mushroom")),
    "grain": ("粮食", ("粮食", "grain", "grains", "小麦", "wheat", "玉米", "corn", "maize",
                       "水稻", "大米", "rice", "谷子", "millet", "大豆", "soybean")),
    "livestock": ("畜牧", ("畜牧", "养殖", "livestock", "生猪", "猪", "pig", "hog", "肉牛", "牛",
                           "cattle", "羊", "sheep", "goat", "奶牛", "dairy", "兔", "rabbit")),
    "poultry": ("家禽", ("家禽", "poultry", "鸡", "chicken", "蛋鸡", "egg", "鸭", "duck",
                         "鹅", "goose")),
    "aquatic": ("水产", ("水产", "aquatic", "aquaculture", "鱼", "fish", "虾", "shrimp",
                         "蟹", "crab")),
    "tea": ("茶叶", ("茶叶", "茶", "tea", "绿茶", "green tea", "红茶", "black tea")),
    "herbs": ("中药材", ("中药材", "药材", "herbs", "medicinal herbs", "金银花", "honeysuckle",
                         "丹参", "salvia")),
    "forestry": ("林业", ("林业", "forestry", "苗木", "nursery stock", "花卉", "flowers",
                          "核桃", "walnut", "板栗", "chestnut")),
}

_INDEX: dict[str, str] = {
    name.strip().casefold(): code for code, (_, names) in CATEGORIES.items() for name in names
}


def category_of(text: str | None) -> str | None:
    """The product category of a product or industry text (the text itself if unknown)."""
    if text is None or not text.strip():
        return None
    key = text.strip().casefold()
    return _INDEX.get(key, key)


def cooperative_category(product: str | None, industry_category: str | None) -> str | None:
    """A cooperative's category: its product's when the table knows it, else its industry."""
    by_product = category_of(product)
    if product is not None and by_product in CATEGORIES:
        return by_product
    return category_of(industry_category) or by_product


def similar_products(a: str | None, b: str | None) -> bool:
    """Same or similar product: the same category."""
    ca, cb = category_of(a), category_of(b)
    return ca is not None and ca == cb
