using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Balances.Recording;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Receivables.Dunning;

namespace TokenLedger.Receivables.WritingOff;

/// <summary>Write off part or all of an invoice's open amount as uncollectable; the approver is the calling key. requestId makes a retry safe.</summary>
[Idempotent(KeyRequired = true)]
public sealed record WriteOff(string? InvoiceNumber, decimal Amount, string? Reason, string? RequestId)
{
    public sealed class Validator : AbstractValidator<WriteOff>
    {
        public Validator()
        {
            RuleFor(x => x.InvoiceNumber).NotEmpty().WithMessage("invoiceNumber is required");
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Reason).RequiredReason();
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/write-offs", Handle).RequireAuthorization(Policies.Finance).WithTags("Receivables")
            .Produces<InvoiceWrittenOff>(StatusCodes.Status201Created).Produces<InvoiceWrittenOff>()
            .WithSummary("Write off an amount of an invoice as uncollectable, with a reason; the calling key is the approver");

    public static async Task<IResult> Handle(string tenantId, WriteOff body, ClaimsPrincipal user, ReceivablesCommands receivables, HttpContext http, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        var id = $"{tenantId}:write-off:{http.RequiredIdempotencyKey()}";
        var decision = await receivables.RunAsync(tenantId, context => Decide(body, id, context, user.KeyId()), ct);
        return ReceivablesAnswers.ToResult(decision, $"/api/tenants/{tenantId}/write-offs");
    }

    public static ReceivablesDecision Decide(WriteOff command, string writeOffId, ReceivablesContext context, string approvedBy)
    {
        if (context.Account.WriteOffs.TryGetValue(writeOffId, out var earlier)) return new ReceivablesDecision.AlreadyDone(earlier);
        var invoice = context.Invoices.FirstOrDefault(i => i.Number == command.InvoiceNumber);
        if (invoice is null)
            return Refuse("invoiceNumber", $"tenant '{context.Tenant.TenantId}' has no invoice {command.InvoiceNumber} with an amount due");
        if (command.Amount > invoice.Open)
            return Refuse("amount", $"amount {command.Amount} is more than the {invoice.Open} still open on invoice {invoice.Number}");
        var writtenOff = new InvoiceWrittenOff(context.Tenant.TenantId, writeOffId, invoice.Number, command.Amount, invoice.Currency, command.Reason!, approvedBy, context.Now);
        var after = context with
        {
            Account = context.Account.Apply(writtenOff),
            Invoices = context.Invoices.Select(i => i.Number == invoice.Number ? i with { Settled = i.Settled + command.Amount } : i).ToList(),
        };
        return new ReceivablesDecision.Append([writtenOff, .. DunningLadder.Reinstate(after)], writtenOff);
    }

    private static ReceivablesDecision Refuse(string field, string message) => new ReceivablesDecision.Refused(field, message);
}
