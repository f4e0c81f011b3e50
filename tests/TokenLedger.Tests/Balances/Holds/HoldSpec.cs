using NodaTime;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using TokenLedger.Balances.Holds;
using TokenLedger.Plans;
using TokenLedger.Pricing;
using static TokenLedger.Tests.Balances.AccountSpec;

namespace TokenLedger.Tests.Balances.Holds;

/// <summary>
/// An account decided by funding (<see cref="AccountSpec"/>) plus the holds stream's tail funding has not read: asks
/// are decided on both, and a granted hold joins the tail, the way the hold desk appends it.
/// </summary>
public sealed class HoldSpec
{
    public static readonly Instant T = At("2026-06-10T04:00:00Z");
    public static readonly Instant Far = At("2027-01-01T00:00:00Z");

    /// <summary>Package weights of one token per input or output token.</summary>
    public static readonly Dictionary<string, decimal> Flat = new() { ["input"] = 1, ["output"] = 1 };

    /// <summary>A token package bought the day before <see cref="T"/>, valid until <see cref="Far"/> unless told otherwise.</summary>
    public static object Package(string id, decimal tokens, Dictionary<string, decimal>? weights = null, Instant? validTo = null, string[]? models = null) =>
        new TokenPackagePurchased(Tenant, id, id, tokens, models ?? [], weights ?? Flat, 5, "CNY", T - Duration.FromDays(1), validTo ?? Far, T);

    public static object Wallet(decimal amount) => new FundsToppedUp(Tenant, "t1", amount, "CNY", null, T, "k");
    private readonly List<IHoldFact> _tail = [];
    private long _version;
    private int _ids;

    public HoldSpec(params object[] accountEvents)
    {
        Funding = new AccountSpec().Given(accountEvents);
    }

    public AccountSpec Funding { get; }
    public Plan? Plan { get; set; }
    public bool Suspended { get; set; }

    public HoldPosition Position => new(Funding.Account, _tail, Plan, Suspended);

    public HoldDecision Ask(decimal amount, string? requestId = null, Instant? at = null, string model = "m", long maxIn = 100, long maxOut = 100, int ttlSeconds = 600,
        HoldPrice? priced = null)
    {
        var ask = new HoldAsk(Tenant, $"h{++_ids}", requestId ?? $"r{_ids}", model, maxIn, maxOut, amount, "CNY", null, null, Duration.FromSeconds(ttlSeconds), "gw", priced);
        var decision = HoldDecider.Place(Position, ask, at ?? T);
        if (decision is HoldGranted { Replayed: false } granted) _tail.Add(granted.Hold);
        return decision;
    }

    /// <summary>A hold priced by tokens, at <paramref name="inputPrice"/> and <paramref name="outputPrice"/> per token.</summary>
    public HoldDecision AskTokens(long maxIn, long maxOut, decimal inputPrice = 1, decimal outputPrice = 1, string? requestId = null, Instant? at = null,
        string model = "m", int ttlSeconds = 600) =>
        Ask(maxIn * inputPrice + maxOut * outputPrice, requestId, at, model, maxIn, maxOut, ttlSeconds, new HoldPrice(maxIn * inputPrice, maxOut * outputPrice));

    public void Tail(IHoldFact fact) => _tail.Add(fact);

    /// <summary>Funding reads the tail, in order, as the subscription would: every fact applied to the account.</summary>
    public List<object> FundTail()
    {
        var decided = new List<object>();
        foreach (var fact in _tail) decided.AddRange(Funding.When(new HoldFactRead(fact, ++_version)));
        _tail.Clear();
        return decided;
    }

    public static RatedUsageBatch HeldUsage(string requestId, long tokens, Instant? at = null, string eventId = "e1", string? planId = null) =>
        new(Tenant, "b1", [new ChargedUsage(eventId, at ?? T, "m", planId, new TokenCounts(tokens, 0, 0, 0),
            new Charge("book", 1, "CNY", "m", 0, 0, tokens, 0, 0, 0), 0m, requestId)]);

    public static HoldPlaced Granted(HoldDecision d) => ((HoldGranted)d).Hold;
}
