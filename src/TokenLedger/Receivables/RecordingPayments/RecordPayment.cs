using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Security.Claims;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Balances.Recording;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Receivables.Dunning;

namespace TokenLedger.Receivables.RecordingPayments;

/// <summary>
/// A payment received from the tenant. <c>reference</c> (the bank or gateway reference) identifies it: the same reference
/// is applied once per tenant, a repeat returns the first result. <c>invoiceNumber</c> names the invoice it pays, if any.
/// </summary>
[Idempotent(KeyRequired = true, NaturalKey = "reference")]
public sealed record RecordPayment(decimal Amount, string? Currency, DateTimeOffset? ReceivedAt, string? Method, string? Reference, string? InvoiceNumber)
{
    public sealed class Validator : AbstractValidator<RecordPayment>
    {
        public Validator()
        {
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.ReceivedAt).NotNull().WithMessage("receivedAt is required");
            RuleFor(x => x.Method).NotEmpty().WithMessage("method is required (e.g. bank-transfer)").MaximumLength(50);
            RuleFor(x => x.Reference).NotEmpty().WithMessage("reference is required; it makes the payment apply once").MaximumLength(200);
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/payments", Handle).RequireAuthorization(Policies.Finance).WithTags("Receivables")
            .Produces<PaymentReceived>(StatusCodes.Status201Created).Produces<PaymentReceived>()
            .WithSummary("Record a payment; it pays the named invoice, then the oldest open invoices, and the rest becomes wallet credit");

    public static async Task<IResult> Handle(string tenantId, RecordPayment body, ClaimsPrincipal user, ReceivablesCommands receivables, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        var decision = await receivables.RunAsync(tenantId, context => Decide(body, context, user.KeyId()), ct);
        return ReceivablesAnswers.ToResult(decision, $"/api/tenants/{tenantId}/payments/{Uri.EscapeDataString(body.Reference!)}");
    }

    public static ReceivablesDecision Decide(RecordPayment command, ReceivablesContext context, string recordedBy)
    {
        var (tenant, account, invoices, now) = context;
        var reference = command.Reference!;
        if (account.Payments.TryGetValue(reference, out var earlier)) return new ReceivablesDecision.AlreadyDone(earlier);
        if (command.Currency != tenant.Currency)
            return Refuse("currency", $"tenant '{tenant.TenantId}' is billed in {tenant.Currency}, not {command.Currency}");
        var receivedAt = Instant.FromDateTimeOffset(command.ReceivedAt!.Value);
        if (receivedAt > now) return Refuse("receivedAt", $"receivedAt {receivedAt} is in the future");
        if (command.InvoiceNumber is { } named && invoices.All(i => i.Number != named))
            return Refuse("invoiceNumber", $"tenant '{tenant.TenantId}' has no invoice {named} with an amount due");

        var (allocations, credit) = PaymentAllocator.Allocate(invoices, command.Amount, command.InvoiceNumber, receivedAt.InZone(tenant.Zone).Date);
        var paymentId = $"{tenant.TenantId}:payment:{reference}";
        var payment = new PaymentReceived(tenant.TenantId, paymentId, reference, command.Amount, command.Currency!, command.Method!, command.InvoiceNumber,
            allocations, credit, receivedAt, now, recordedBy);
        var topUp = credit > 0 ? new FundsToppedUp(tenant.TenantId, $"payment:{reference}", credit, tenant.Currency, reference, now, recordedBy) : null;
        var after = context with { Account = account.Apply(payment), Invoices = invoices.Select(i => i with { Settled = i.Settled + allocations.Where(a => a.InvoiceNumber == i.Number).Sum(a => a.Amount) }).ToList() };
        return new ReceivablesDecision.Append([payment, .. DunningLadder.Reinstate(after)], payment, topUp);
    }

    private static ReceivablesDecision Refuse(string field, string message) => new ReceivablesDecision.Refused(field, message);
}
