using FluentValidation;
using TokenLedger.Infrastructure;
using NodaTime;

namespace TokenLedger.Tenants.RegisteringTenant;

/// <summary>Registers a tenant, or changes its profile; a repeated identical request changes nothing.</summary>
public sealed record PutTenant(string TenantId, string Name, string? TimeZone, string? Currency, string? RetailPriceBookId = null)
{
    public string Zone => TimeZone ?? Tenant.DefaultTimeZone;
    public string CurrencyCode => Currency ?? Tenant.DefaultCurrency;

    public sealed class Validator : AbstractValidator<PutTenant>
    {
        public Validator()
        {
            RuleFor(x => x.TenantId).Matches(LedgerIds.Pattern).WithMessage(LedgerIds.Rule("tenantId"));
            RuleFor(x => x.Name).NotEmpty().WithMessage("name is required").MaximumLength(200);
            RuleFor(x => x.TimeZone).Must(z => z is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(z) is not null)
                .WithMessage(x => $"timeZone '{x.TimeZone}' is not an IANA time zone id such as Asia/Shanghai");
            RuleFor(x => x.Currency).Matches(@"^[A-Z]{3}\z").When(x => x.Currency is not null)
                .WithMessage("currency must be an ISO 4217 code such as CNY or USD");
        }
    }

    /// <summary>Omitting retailPriceBookId keeps the current assignment; zone and currency fall back to their defaults.</summary>
    public static object[] Decide(Tenant? current, PutTenant command, Instant now) =>
        [.. ProfileEvents(current, command, now), .. PriceBookEvents(current, command, now)];

    private static object[] ProfileEvents(Tenant? current, PutTenant command, Instant now) => current switch
    {
        null => [new TenantRegistered(command.TenantId, command.Name, command.Zone, command.CurrencyCode, now)],
        _ when current.Name == command.Name && current.TimeZone == command.Zone && current.Currency == command.CurrencyCode => [],
        _ => [new TenantProfileChanged(command.TenantId, command.Name, command.Zone, command.CurrencyCode, now)],
    };

    private static object[] PriceBookEvents(Tenant? current, PutTenant command, Instant now) =>
        command.RetailPriceBookId is { } book && book != current?.RetailPriceBookId
            ? [new TenantRetailPriceBookAssigned(command.TenantId, book, now)]
            : [];
}
