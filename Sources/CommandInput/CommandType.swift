/// The command types a request can name (the replay `type` field,
/// ../shared/REPLAY-FORMAT.md and docs/REPLAY.md); the raw value is that name.
public enum CommandType: String, Sendable, CaseIterable {
    case openAccount, deposit, withdraw, setLeverage, setMarginMode, placeOrder, amendOrder, cancelOrder,
         cancelAll, markPrice, setInstrumentStatus, indexPrice, tick, insuranceDeposit,
         // Onboarding, suitability, disclosures, four-eyes, market makers (PI-1..3, REG-4, MM-1).
         recordEvidence, proposeClassification, proposeLeverageCap, proposeOwnerNotionalCap, proposeMarketMaker,
         approveRequest, rejectRequest, recordKnowledgeAssessment, acknowledgeDisclosure, publishDisclosure,
         proposeProductApproval, proposeDelisting, proposeWithdrawal, proposeRiskParameters,
         // Margin financing (FIN-1..6).
         financingClient, creditAssessment, loanOpen, collateralPledge, collateralRelease, loanDrawdown, loanRepay,
         collateralPrice, brokerCapital, forcedSaleFill, proposeCreditLimit, proposeHaircut, proposeFinancingLimits

    /// The margin-financing commands (FIN-1..6).
    public static let financing: Set<CommandType> = [.financingClient, .creditAssessment, .loanOpen, .collateralPledge, .collateralRelease,
                                                     .loanDrawdown, .loanRepay, .collateralPrice, .brokerCapital, .forcedSaleFill,
                                                     .proposeCreditLimit, .proposeHaircut, .proposeFinancingLimits]
}
