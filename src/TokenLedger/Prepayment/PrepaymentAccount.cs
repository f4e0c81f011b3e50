namespace TokenLedger.Prepayment;

/// <summary>One prepaid upstream balance of a distributor: per provider, or the general one (provider "").</summary>
public sealed class ProviderPrepayment
{
    public decimal Deposited { get; set; }
    public decimal Drawn { get; set; }
    public decimal? Threshold { get; set; }
    public bool Low { get; set; }
    public decimal Balance => Deposited - Drawn;
}

/// <summary>
/// A distributor's prepaid upstream balances as the prepayment subscription has decided them, stored in the same
/// transaction as its progress. <see cref="Id"/> is the distributor id.
/// </summary>
public sealed class PrepaymentAccount
{
    public string Id { get; set; } = "";
    public string? Currency { get; set; }
    public Dictionary<string, ProviderPrepayment> Providers { get; set; } = new(StringComparer.Ordinal);
    public long LastSequence { get; set; }

    /// <summary>The balance a usage of <paramref name="provider"/> draws from: its provider's, else the general one, else none.</summary>
    public string? AccountFor(string provider) =>
        Providers.ContainsKey(provider) ? provider : Providers.ContainsKey("") ? "" : null;

    public ProviderPrepayment Provider(string provider) =>
        Providers.TryGetValue(provider, out var p) ? p : Providers[provider] = new ProviderPrepayment();

    public void Apply(object e)
    {
        switch (e)
        {
            case UpstreamDepositRecorded d: Currency ??= d.Currency; Provider(d.Provider).Deposited += d.Amount; break;
            case PrepaymentThresholdSet t: Currency ??= t.Currency; Provider(t.Provider).Threshold = t.Threshold; break;
            case PrepaymentDrawnDown w: Provider(w.Provider).Drawn += w.Amount; break;
            case PrepaymentSignalRaised s: Provider(s.Signal.Provider).Low = s.Signal.Signal == Contracts.Signals.DistributorSignals.PrepaymentLow; break;
        }
    }
}
