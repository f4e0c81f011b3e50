using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace TokenLedger.Invoicing.CreditNotes;

/// <summary>Stores each issued note as a <see cref="CreditNote"/> document, inline, in the transaction that issued it.</summary>
public partial class CreditNotesProjection : EventProjection
{
    public void Project(IEvent<CreditNoteIssued> e, IDocumentOperations ops) => ops.Store(CreditNote.From(e.Data));
}
