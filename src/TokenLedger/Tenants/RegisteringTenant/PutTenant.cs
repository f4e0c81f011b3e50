using FluentValidation;
using TokenLedger.Infrastructure;
using NodaTime;

namespace TokenLedger.Tenants.RegisteringTenant;

/// <summary>
/// Registers a tenant, or changes its profile. A field left out keeps its current value (on registration: zone
/// Asia/Shanghai, currency CNY; the name is required; no default hold TTL, so holds live 10 minutes). A repeated identical
/// request changes nothing.
/// </summary>
public sealed record PutTenant(
    string TenantId, string? Name, string? TimeZone, string? Currency, string? RetailPriceBookId = null, string? ActedBy = null, int? HoldTtlSeconds = null)
{
    public sealed class Validator : AbstractValidator<PutTenant>
    {
        public Validator()
        {
            RuleFor(x => x.TenantId).Matches(LedgerIds.Pattern).WithMessage(LedgerIds.Rule("tenantId"));
            RuleFor(x => x.Name).Must(n => n is null || n.Trim().Length > 0).WithMessage("name must not be empty").MaximumLength(200);
            RuleFor(x => x.TimeZone).Must(z => z is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(z) is not null)
                .WithMessage(x => $"timeZone '{x.TimeZone}' is not an IANA time zone id such as Asia/Shanghai");
            RuleFor(x => x.Currency).Matches(@"^[A-Z]{3}\z").When(x => x.Currency is not null)
                .WithMessage("currency must be an ISO 4217 code such as CNY or USD");
            RuleFor(x => x.HoldTtlSeconds).InclusiveBetween(1, MaxHoldTtlSeconds)
                .WithMessage($"holdTtlSeconds must be 1 to {MaxHoldTtlSeconds} (a hold lives at most one hour)");
        }
    }

    /// <summary>The longest default hold TTL a tenant may set, in seconds: the longest a hold may live.</summary>
    public const int MaxHoldTtlSeconds = 3600;

    /// <summary>The profile this request leaves the tenant with.</summary>
    public (string Name, string Zone, string Currency) ProfileAfter(Tenant? current) => (
        Name ?? current?.Name ?? "",
        TimeZone ?? current?.TimeZone ?? Tenant.DefaultTimeZone,
        Currency ?? current?.Currency ?? Tenant.DefaultCurrency);

    /// <summary>The refusal, if any, of this request against the tenant as it is; <paramref name="activity"/> names what the tenant has recorded.</summary>
    public TenantRefusal? Refusal(Tenant? current, string? activity)
    {
        var (name, zone, currency) = ProfileAfter(current);
        if (current is null && name.Length == 0) return new TenantRefusal.Invalid("name", "name is required to register a tenant");
        if (current is null || activity is null) return null;
        if (currency != current.Currency)
            return new TenantRefusal.Locked($"tenant '{TenantId}' has {activity} in {current.Currency}; its currency cannot change");
        if (zone != current.TimeZone)
            return new TenantRefusal.Locked($"tenant '{TenantId}' has {activity} billed in {current.TimeZone} periods; its time zone cannot change");
        return null;
    }

    /// <summary>Omitting a field keeps its current value; the request must not be refused (<see cref="Refusal"/>).</summary>
    public static object[] Decide(Tenant? current, PutTenant command, Instant now) =>
        [.. ProfileEvents(current, command, now), .. PriceBookEvents(current, command, now), .. HoldTtlEvents(current, command, now)];

    private static object[] ProfileEvents(Tenant? current, PutTenant command, Instant now)
    {
        var (name, zone, currency) = command.ProfileAfter(current);
        return current switch
        {
            null => [new TenantRegistered(command.TenantId, name, zone, currency, now, command.ActedBy)],
            _ when current.Name == name && current.TimeZone == zone && current.Currency == currency => [],
            _ => [new TenantProfileChanged(command.TenantId, name, zone, currency, now, command.ActedBy)],
        };
    }

    private static object[] PriceBookEvents(Tenant? current, PutTenant command, Instant now) =>
        command.RetailPriceBookId is { } book && book != current?.RetailPriceBookId
            ? [new TenantRetailPriceBookAssigned(command.TenantId, book, now, command.ActedBy)]
            : [];

    private static object[] HoldTtlEvents(Tenant? current, PutTenant command, Instant now) =>
        command.HoldTtlSeconds is { } ttl && ttl != current?.HoldTtlSeconds
            ? [new TenantHoldTtlSet(command.TenantId, ttl, now, command.ActedBy)]
            : [];
}

/// <summary>Why a tenant PUT is refused: a field is invalid (400), or a fixed field would change (409).</summary>
public abstract record TenantRefusal(string Detail)
{
    public sealed record Invalid(string Field, string Reason) : TenantRefusal(Reason);
    public sealed record Locked(string Reason) : TenantRefusal(Reason);
}
