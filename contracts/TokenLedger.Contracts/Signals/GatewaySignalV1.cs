namespace TokenLedger.Contracts.Signals;

/// <summary>
/// A message to gateways on the topic exchange <c>tokenledger.signals.v1</c>, routing key
/// <c>tenant.{tenantId}.{signal}</c>. Sent when a tenant crosses 80% or 100% of a plan cap or of its credit limit,
/// and when it falls back below (window rolled, new month, top-up); also when dunning suspends a tenant for non-payment
/// and when it is reinstated. The same crossing is signalled once;
/// <see cref="SignalId"/> is stable, so a consumer that sees it twice (at-least-once delivery) can drop the copy.
/// </summary>
/// <param name="SignalId">Deterministic id of this crossing.</param>
/// <param name="TenantId">The tenant the gateway must act for.</param>
/// <param name="Signal">One of <see cref="GatewaySignals"/>.</param>
/// <param name="Subject">What was crossed: a cap name such as <c>rolling-5h:tokens</c> or <c>month:requests</c>, <c>credit-limit</c>, or <c>receivables</c> for suspension.</param>
/// <param name="Action">What the gateway should do now: <c>refuse</c>, <c>throttle</c>, <c>warn</c> or <c>resume</c>.</param>
/// <param name="Used">Usage counted against the limit when the signal was raised (requests, tokens or money).</param>
/// <param name="Limit">The limit (requests, tokens or money).</param>
/// <param name="UtilisationPercent">Used / limit × 100, two decimals.</param>
/// <param name="Unit"><c>requests</c>, <c>tokens</c> or the currency code.</param>
/// <param name="PlanId">The plan whose cap it is; null for credit-limit signals.</param>
/// <param name="At">The instant of the fact that caused the crossing (usage occurredAt, top-up or clock tick).</param>
public sealed record GatewaySignalV1(
    string SignalId,
    string TenantId,
    string Signal,
    string Subject,
    string Action,
    decimal Used,
    decimal Limit,
    decimal UtilisationPercent,
    string Unit,
    string? PlanId,
    DateTimeOffset At)
{
    public string RoutingKey => $"tenant.{TenantId}.{Signal}";
}

public static class GatewaySignals
{
    public const string ExchangeName = "tokenledger.signals.v1";
    public const string CapWarning = "cap-warning";
    public const string CapReached = "cap-reached";
    public const string CapRecovered = "cap-recovered";
    public const string CreditLimitWarning = "credit-limit-warning";
    public const string CreditLimitReached = "credit-limit-reached";
    public const string CreditLimitRecovered = "credit-limit-recovered";

    /// <summary>Dunning suspended the tenant for non-payment (subject <c>receivables</c>, action <c>refuse</c>).</summary>
    public const string Suspended = "suspended";

    /// <summary>The suspended tenant's past-due balance was paid or written off (subject <c>receivables</c>, action <c>resume</c>).</summary>
    public const string Reinstated = "reinstated";
}
