using NodaTime;

namespace TokenLedger.Tenants;

/// <summary>A customer was registered with the ledger.</summary>
public sealed record TenantRegistered(string TenantId, string Name, string TimeZone, string Currency, Instant RegisteredAt, string? ActedBy = null);

/// <summary>A registered customer's name, billing zone or currency was changed by an operator.</summary>
public sealed record TenantProfileChanged(string TenantId, string Name, string TimeZone, string Currency, Instant ChangedAt, string? ActedBy = null);

/// <summary>The tenant's usage is from now on rated at this retail price book.</summary>
public sealed record TenantRetailPriceBookAssigned(string TenantId, string PriceBookId, Instant AssignedAt, string? ActedBy = null);

/// <summary>The tenant's holds live <paramref name="HoldTtlSeconds"/> seconds unless a hold's call names its own ttlSeconds.</summary>
public sealed record TenantHoldTtlSet(string TenantId, int HoldTtlSeconds, Instant SetAt, string? ActedBy = null);

/// <summary>Inline snapshot of a tenant stream; its id is the stream key (see <see cref="TenantStreams"/>).</summary>
public sealed partial record Tenant(
    string Id, string TenantId, string Name, string TimeZone, string Currency, Instant RegisteredAt, string? RetailPriceBookId = null,
    int? HoldTtlSeconds = null)
{
    public const string DefaultTimeZone = "Asia/Shanghai";
    public const string DefaultCurrency = "CNY";

    public static Tenant Create(TenantRegistered e) =>
        new(TenantStreams.For(e.TenantId), e.TenantId, e.Name, e.TimeZone, e.Currency, e.RegisteredAt);

    public Tenant Apply(TenantProfileChanged e) => this with { Name = e.Name, TimeZone = e.TimeZone, Currency = e.Currency };

    public Tenant Apply(TenantRetailPriceBookAssigned e) => this with { RetailPriceBookId = e.PriceBookId };

    public Tenant Apply(TenantHoldTtlSet e) => this with { HoldTtlSeconds = e.HoldTtlSeconds };

    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];
}

public static class TenantStreams
{
    public static string For(string tenantId) => $"tenant:{tenantId}";
}
