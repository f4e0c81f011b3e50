using NodaTime;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using TokenLedger.Plans;
using TokenLedger.Pricing;

namespace TokenLedger.Tests.Balances;

/// <summary>Given account events, when an input arrives, then these events are decided. No I/O.</summary>
public sealed class AccountSpec(string zone = "Asia/Shanghai")
{
    public const string Tenant = "acme";
    private readonly List<Plan> _plans = [];
    private long _sequence = 1;

    public TenantAccount Account { get; } = Opened(zone);

    private static TenantAccount Opened(string zone)
    {
        var account = new TenantAccount();
        account.When(new AccountOpened(Tenant, "CNY", zone));
        return account;
    }

    public AccountSpec WithPlan(Plan plan)
    {
        _plans.Add(plan);
        return this;
    }

    public AccountSpec Given(params object[] events)
    {
        foreach (var e in events) Handle(e);
        return this;
    }

    public IReadOnlyList<object> When(object input) => Handle(input);

    private IReadOnlyList<object> Handle(object input) =>
        AccountDecider.Handle(Account, input, new FundingContext(Tenant, "CNY", zone, _plans.ToDictionary(p => p.PlanId), _sequence++));

    public static Instant At(string text) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;

    /// <summary>Usage where each token costs 1 CNY, so amounts equal token counts.</summary>
    public static RatedUsageBatch UsageOf(Instant at, long input, long output = 0, string model = "m", string? planId = null, string id = "e1") =>
        new(Tenant, "b1", [new ChargedUsage(id, at, model, planId, new TokenCounts(input, 0, 0, output),
            new Charge("book", 1, "CNY", model, 0, 0, input, 0, 0, output), input / 2m)]);

    public static RatedUsageBatch Many(Instant at, int count, long tokens = 1) =>
        new(Tenant, "b1", Enumerable.Range(0, count).Select(i => new ChargedUsage($"e{i}", at, "m", null, new TokenCounts(tokens, 0, 0, 0),
            new Charge("book", 1, "CNY", "m", 0, 0, tokens, 0, 0, 0), 0m)).ToList());

    public static Plan CodingPlan(string id = "lite", long requestsPer5h = 10, OveragePolicy policy = OveragePolicy.Block, decimal fee = 40m, decimal? intro = 9.9m, int introMonths = 2, long monthTokens = 1_000_000) =>
        Plan.Create(new PlanDefined(id, "Coding Plan", "CNY", fee, intro, intro is null ? 0 : introMonths, ["m"],
            [new PlanCap(CapWindow.Rolling5h, CapUnit.Requests, requestsPer5h), new PlanCap(CapWindow.Month, CapUnit.Tokens, monthTokens)], policy, At("2026-01-01T00:00:00Z")));
}
