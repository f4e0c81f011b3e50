using NodaTime;

namespace TokenLedger.Plans;

public enum CapWindow { Rolling5h, Month }

public enum CapUnit { Requests, Tokens }

public enum OveragePolicy { Block, Payg, Throttle }

/// <summary>A usage cap of a plan; reaching it applies the plan's overage policy.</summary>
public sealed record PlanCap(CapWindow Window, CapUnit Unit, long Limit)
{
    public string Name => $"{(Window == CapWindow.Rolling5h ? "rolling-5h" : "month")}:{(Unit == CapUnit.Requests ? "requests" : "tokens")}";
}

/// <summary>A subscription plan (Coding Plan) was defined or replaced; subscribers get the new terms from their next renewal.</summary>
public sealed record PlanDefined(
    string PlanId,
    string Name,
    string Currency,
    decimal MonthlyFee,
    decimal? IntroFee,
    int IntroMonths,
    IReadOnlyList<string> Models,
    IReadOnlyList<PlanCap> Caps,
    OveragePolicy OveragePolicy,
    Instant DefinedAt,
    string? ActedBy = null);

/// <summary>Inline snapshot of a plan stream.</summary>
public sealed partial record Plan(
    string Id,
    string PlanId,
    string Name,
    string Currency,
    decimal MonthlyFee,
    decimal? IntroFee,
    int IntroMonths,
    IReadOnlyList<string> Models,
    IReadOnlyList<PlanCap> Caps,
    OveragePolicy OveragePolicy,
    int Version)
{
    public const string AllModels = "*";

    public static Plan Create(PlanDefined e) => From(e, 1);

    public Plan Apply(PlanDefined e) => From(e, Version + 1);

    private static Plan From(PlanDefined e, int version) =>
        new(PlanStreams.For(e.PlanId), e.PlanId, e.Name, e.Currency, e.MonthlyFee, e.IntroFee, e.IntroMonths, e.Models, e.Caps, e.OveragePolicy, version);

    public bool Covers(string model) => Models.Contains(AllModels) || Models.Contains(model, StringComparer.OrdinalIgnoreCase);

    /// <summary>The fee of the n-th monthly period (0-based): the intro fee for the first IntroMonths periods.</summary>
    public decimal FeeForPeriod(int periodIndex) => IntroFee is { } intro && periodIndex < IntroMonths ? intro : MonthlyFee;
}

public static class PlanStreams
{
    public static string For(string planId) => $"plan:{planId}";
}
