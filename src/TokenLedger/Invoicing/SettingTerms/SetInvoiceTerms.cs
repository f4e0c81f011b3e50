using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Invoicing.SettingTerms;

/// <summary>The tenant's invoice terms were set by a key: the history of the terms document, one fact per change.</summary>
public sealed record InvoiceTermsSet(string TenantId, decimal TaxRatePercent, int NetDays, string Cadence, NodaTime.Instant SetAt, string SetBy)
{
    public static string StreamFor(string tenantId) => $"invoice-terms:{tenantId}";
}

/// <summary>The tax rate (percent, default 6), payment term (days after the issue date, default 30) and billing cadence (monthly, quarterly, weekly) of the tenant's future invoices.</summary>
public sealed record SetInvoiceTerms(decimal? TaxRatePercent, int? NetDays, string? Cadence = null)
{
    public sealed class Validator : AbstractValidator<SetInvoiceTerms>
    {
        public Validator()
        {
            RuleFor(x => x.TaxRatePercent).InclusiveBetween(0m, 100m).PrecisionScale(7, 4, true).WithMessage("taxRatePercent must be 0 to 100 with at most 4 decimals");
            RuleFor(x => x.NetDays).InclusiveBetween(0, 365).WithMessage("netDays must be 0 to 365");
            RuleFor(x => x.Cadence).Must(c => c is null || Cadences.All.Contains(c)).WithMessage("cadence must be monthly, quarterly or weekly");
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/tenants/{tenantId}/invoice-terms", Handle).RequireAuthorization(Policies.Finance).WithTags("Invoices")
            .Produces<InvoiceTerms>().WithSummary("Set the tax rate and payment term used by the tenant's next invoices");

    public static async Task<IResult> Handle(string tenantId, SetInvoiceTerms body, System.Security.Claims.ClaimsPrincipal user, IDocumentSession session, NodaTime.IClock clock, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct) is null) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var terms = new InvoiceTerms(tenantId, body.TaxRatePercent ?? InvoiceTerms.DefaultTaxRatePercent, body.NetDays ?? InvoiceTerms.DefaultNetDays, body.Cadence ?? Cadences.Monthly);
        session.Store(terms);
        var stream = InvoiceTermsSet.StreamFor(tenantId);
        var fact = new InvoiceTermsSet(tenantId, terms.TaxRatePercent, terms.NetDays, terms.Cadence, clock.GetCurrentInstant(), user.KeyId());
        // At the version read: of two concurrent setters one commits, the other answers 409 (ConflictProblems).
        await session.AppendAtCurrentVersionAsync(stream, ct, fact);
        await session.SaveChangesAsync(ct);
        return Results.Ok(terms);
    }
}
