namespace TokenLedger.Api.Demo;

/// <summary>One model on sale: its list price per million tokens (input cache miss, cache hit, output) in the book's currency.</summary>
public sealed record DemoModel(string Name, string Provider, string Input, string Cached, string Output, string? Above32k = null, bool OffPeak = false);

/// <summary>A demo customer: who sells to it, what it uses and how much, and how it pays.</summary>
public sealed record DemoTenant(
    string Id, string Name, string Currency, string Zone, string RetailBook, string? DistributorId, string[] Models, int RequestsPerDay,
    int MeanInputTokens, bool PaysInvoices = true);

/// <summary>
/// The demo market: public list prices as the providers published them in 2025 (CNY per million tokens for the Chinese
/// models, USD for OpenAI and Anthropic), DeepSeek's former 00:30–08:30 off-peak discount, the 32k context tiers of GLM,
/// Qwen and Doubao, and wholesale at 80 % (CNY) or 85 % (USD) of list.
/// </summary>
public static class DemoCatalog
{
    public static readonly DemoModel[] ChineseModels =
    [
        new("deepseek-chat", "deepseek", "2", "0.2", "3", OffPeak: true),
        new("doubao-seed-1-6", "volcengine", "0.8", "0.16", "8", Above32k: "1.2/0.24/16"),
        new("glm-4.6", "zhipu", "2", "0.4", "8", Above32k: "4/0.8/16"),
        new("qwen3-max", "aliyun", "6", "1.2", "24", Above32k: "10/2/40"),
        new("kimi-k2", "moonshot", "4", "1", "16"),
    ];

    public static readonly DemoModel[] UsModels =
    [
        new("gpt-4.1", "openai", "2", "0.5", "8"),
        new("claude-sonnet-4-5", "anthropic", "3", "0.3", "15"),
    ];

    public static readonly DemoTenant[] Tenants =
    [
        new("acme", "杭州智算科技", "CNY", "Asia/Shanghai", "retail-cn", null, ["deepseek-chat", "qwen3-max", "glm-4.6"], 120, 9_000),
        new("lingxi", "北京灵犀智能", "CNY", "Asia/Shanghai", "retail-cn", null, ["deepseek-chat", "doubao-seed-1-6", "kimi-k2", "qwen3-max"], 260, 14_000),
        new("beta-labs", "Beta Labs", "CNY", "Asia/Shanghai", "retail-cn", null, ["doubao-seed-1-6", "glm-4.6"], 40, 4_000),
        new("nanjing-data", "南京数据港", "CNY", "Asia/Shanghai", "retail-cn", null, ["qwen3-max", "kimi-k2"], 90, 12_000, PaysInvoices: false),
        new("wuhan-edu", "武汉智学教育", "CNY", "Asia/Shanghai", "retail-cn", "cloudmart", ["deepseek-chat"], 150, 8_000),
        new("shenzhen-micro", "深圳微码工作室", "CNY", "Asia/Shanghai", "retail-cn", "devshop", ["deepseek-chat"], 110, 10_000),
        new("coder-li", "李工 (Coding Plan)", "CNY", "Asia/Shanghai", "retail-cn", null, ["deepseek-chat", "glm-4.6"], 0, 6_000),
        new("sf-devtools", "SF DevTools Inc.", "USD", "America/Los_Angeles", "retail-us", "globalrouter", ["gpt-4.1", "claude-sonnet-4-5"], 80, 7_000),
    ];

    public const string CodingPlan = "coding-lite";
    public const string PlanTenant = "coder-li";

    /// <summary>A price book body (the README's shape): list prices, or <paramref name="share"/> of them for wholesale.</summary>
    public static object Book(string currency, string effectiveFrom, IEnumerable<DemoModel> models, decimal share) => new
    {
        currency,
        effectiveFrom,
        prices = models.Select(m => Price(m, share)).ToList(),
    };

    private static object Price(DemoModel m, decimal share)
    {
        var tiers = m.Above32k is null ? [] : new[] { Tier(m.Above32k.Split('/'), share) };
        var offPeak = m.OffPeak ? new[] { new { zone = "Asia/Shanghai", from = "00:30", to = "08:30", discountPercent = "50" } } : [];
        return new
        {
            model = m.Name,
            inputPerMillion = Times(m.Input, share),
            cachedInputPerMillion = Times(m.Cached, share),
            outputPerMillion = Times(m.Output, share),
            contextTiers = tiers,
            timeOfDay = offPeak,
        };
    }

    private static object Tier(string[] prices, decimal share) => new
    {
        aboveInputTokens = 32_000,
        inputPerMillion = Times(prices[0], share),
        cachedInputPerMillion = Times(prices[1], share),
        outputPerMillion = Times(prices[2], share),
    };

    private static string Times(string price, decimal share) =>
        (decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) * share).ToString("0.############", System.Globalization.CultureInfo.InvariantCulture);

    public static object Plan => new
    {
        name = "Coding Plan Lite",
        currency = "CNY",
        monthlyFee = 40,
        introFee = 9.9m,
        introMonths = 2,
        models = new[] { "deepseek-chat", "glm-4.6" },
        caps = new object[]
        {
            new { window = "rolling-5h", unit = "requests", limit = 120 },
            new { window = "month", unit = "tokens", limit = 20_000_000 },
        },
        overagePolicy = "block",
    };
}
