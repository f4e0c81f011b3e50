using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Balances.Recording;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;
using TokenLedger.Invoicing.GettingInvoices;

namespace TokenLedger.Invoicing.CreditNotes.IssuingCreditNote;

/// <summary>One line to credit: <c>line</c> is the invoice line's number, <c>amount</c> the amount before tax to credit on it.</summary>
public sealed record CreditNoteLineRequest(int Line, decimal Amount, string? Description);

/// <summary>
/// Credit (part of) lines of an issued invoice, e.g. a disputed charge, with a reason. Moves money, so it needs an
/// <c>Idempotency-Key</c> (or <c>requestId</c>): the same key issues one note.
/// </summary>
[Idempotent(KeyRequired = true)]
public sealed record IssueCreditNote(string? Reason, IReadOnlyList<CreditNoteLineRequest>? Lines, string? RequestId)
{
    public const int MaxLines = 100;

    public sealed class Validator : AbstractValidator<IssueCreditNote>
    {
        public Validator()
        {
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required: a credit note says why").MaximumLength(500);
            RuleFor(x => x.Lines).NotEmpty().WithMessage("lines is required: at least one { line, amount }")
                .Must(l => l is null || l.Count <= MaxLines).WithMessage($"at most {MaxLines} lines");
            RuleForEach(x => x.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Line).GreaterThan(0).WithMessage("line is the invoice line's number, from 1");
                line.RuleFor(l => l.Amount).PositiveMoney("amount");
                line.RuleFor(l => l.Description).MaximumLength(200);
            });
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/invoices/{invoiceId}/credit-notes", Handle).RequireAuthorization(Policies.Finance).WithTags("Invoices")
            .Produces<CreditNoteResponse>(StatusCodes.Status201Created).Produces<CreditNoteResponse>()
            .WithSummary("Credit (part of) lines of an issued invoice with a reason: a credit note with its own number, lowering the invoice's open amount");

    public static async Task<IResult> Handle(
        string invoiceId, IssueCreditNote body, ClaimsPrincipal user, CreditNoteWriter writer, HttpContext http, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        var requestId = $"credit-note:{http.RequiredIdempotencyKey()}";
        var lines = body.Lines!.Select(l => (l.Line, l.Amount, l.Description)).ToList();
        return await writer.IssueAsync(invoiceId, user.KeyId(), context => CreditNoteDecider.Finance(lines, body.Reason!, requestId, context), ct) switch
        {
            null => GetInvoices.NotFound(invoiceId),
            CreditNoteDecision.Issue issued => Results.Created($"/api/credit-notes/{issued.Note.Number}", CreditNoteResponse.From(CreditNote.From(issued.Note))),
            CreditNoteDecision.AlreadyIssued earlier => Results.Ok(CreditNoteResponse.From(CreditNote.From(earlier.Note))),
            CreditNoteDecision.Refused refused => Problems.BadRequest(refused.Field, refused.Reason),
            _ => Problems.BadRequest("lines", "the lines credit nothing"),
        };
    }
}
