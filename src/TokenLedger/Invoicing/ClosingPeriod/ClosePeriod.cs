using System.Security.Claims;
using TokenLedger.Idempotency;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.GettingInvoices;

namespace TokenLedger.Invoicing.ClosingPeriod;

/// <summary>Close a tenant's billing period (a calendar month in its zone, e.g. <c>2026-06</c>) and issue its invoice, once.</summary>
[Idempotent]
public sealed record ClosePeriod(string? Period)
{
    public sealed class Validator : AbstractValidator<ClosePeriod>
    {
        public Validator() =>
            RuleFor(x => x.Period).Must(p => PeriodSpan.TryParse(p, out _)).WithMessage("period must be a month (2026-06), a quarter (2026-Q2) or an ISO week (2026-W23)");
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/invoices", Handle).RequireAuthorization(Policies.Finance).WithTags("Invoices")
            .Produces<InvoiceResponse>(StatusCodes.Status201Created).Produces<InvoiceResponse>()
            .WithSummary("Close a billing period that has ended and issue its invoice; closing it again returns the same invoice");

    public static async Task<IResult> Handle(string tenantId, ClosePeriod body, PeriodCloser closer, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        PeriodSpan.TryParse(body.Period, out var month);
        return await closer.CloseAsync(tenantId, month, ct, actedBy: user.KeyId()) switch
        {
            CloseOutcome.Issued issued => Results.Created($"/api/invoices/{issued.Invoice.Number}", InvoiceResponse.From(issued.Invoice)),
            CloseOutcome.AlreadyIssued existing => Results.Ok(InvoiceResponse.From(existing.Invoice)),
            CloseOutcome.TenantNotFound => Problems.NotFound($"Tenant '{tenantId}' was not found"),
            CloseOutcome.NotEnded notEnded => Problems.BadRequest("period", notEnded.Detail),
            CloseOutcome.OtherCadence other => Problems.BadRequest("period", other.Detail),
            CloseOutcome.NotFunded notFunded => Results.Problem(notFunded.Detail, statusCode: StatusCodes.Status409Conflict, title: "Funding has not caught up"),
            var other => throw new InvalidOperationException($"unexpected close outcome {other}"),
        };
    }
}
