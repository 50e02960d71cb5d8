// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {ICoopMembership} from "./interfaces/ICoopMembership.sol";
import {MembershipCard} from "./membership/MembershipCard.sol";
import {CardRenderer} from "./membership/CardRenderer.sol";
import {MembershipGovernance as G} from "./membership/MembershipGovernance.sol";
import {MembershipStorage as S} from "./membership/MembershipStorage.sol";

/// @title CoopMembership
/// @notice Member register, share capital and one-member-one-vote voting power of a cooperative,
/// with admission by vote or by an elected committee, voting seniority, key rotation and
/// recovery; each membership is a soulbound card (see {MembershipCard}).
/// @dev Storage and shared state changes: {MembershipStorage}; decisions by vote or committee:
/// {MembershipGovernance}, a linked library running in this contract's storage. The member's
/// everyday paths (join, buy, redeem, leave, enfranchise) and every vote-time read stay here.
contract CoopMembership is ICoopMembership, MembershipCard, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint32 private constant _MAX_NOTICE = 5 * 365 days;
    uint32 private constant _MAX_CONTEST_WINDOW = 365 days;

    address private immutable _governance;
    address private immutable _committee;
    address private immutable _asset;

    S.Layout private _s;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert MembershipUnauthorized(msg.sender);
        _;
    }

    modifier onlyCommittee() {
        if (msg.sender != _committee) revert MembershipUnauthorized(msg.sender);
        if (_s.settings.policy != AdmissionPolicy.Committee) revert MembershipCommitteeInactive(_s.settings.policy);
        _;
    }

    /// @param governance_ the co-op's timelock: the only account that can change statutes or
    /// sanction members
    /// @param committee_ the admissions committee contract (acts only under the Committee policy)
    constructor(
        address governance_,
        address committee_,
        Statutes memory statutes
    ) MembershipCard(statutes.name, statutes.symbol) {
        if (governance_ == address(0) || committee_ == address(0)) revert MembershipZeroAddress();
        _governance = governance_;
        _committee = committee_;
        // address(0) is meaningful: the share currency is ETH
        // slither-disable-next-line missing-zero-check
        _asset = statutes.asset;
        G.setSharePrice(_s, statutes.sharePrice);
        G.setShareCap(_s, statutes.shareCap);
        G.setRedemptionNotice(_s, statutes.redemptionNotice, _MAX_NOTICE);
        G.setContestWindow(_s, statutes.contestWindow, _MAX_CONTEST_WINDOW);
        G.setAdmission(_s, statutes.policy, statutes.votingSeniority);
    }

    // ================================================================ members

    /// @inheritdoc ICoopMembership
    function join(uint256 shares) external payable nonReentrant {
        if (shares == 0) revert MembershipZeroShares();
        S.Member storage m = _s.members[msg.sender];
        Status status = m.status;
        if (status == Status.Expelled) revert MembershipExpelledAccount(msg.sender);
        if (status == Status.Moved) revert MembershipRetiredAccount(msg.sender);
        if (status != Status.None) revert MembershipAlreadyMember(msg.sender, status);
        S.Settings memory st = _s.settings;
        if (shares > st.shareCap) revert MembershipShareCapExceeded(msg.sender, shares, st.shareCap);
        uint256 amount = shares * st.sharePrice;
        _collect(amount);
        // The very first member (the founder) is admitted at once and votes at once: nobody has
        // ever been a member who could approve an application or vote.
        bool founder = _s.counters.lastIndex == 0;
        if (st.policy == AdmissionPolicy.Open || founder) {
            S.activate(_s, msg.sender, m, shares, amount, founder || st.votingSeniority == 0);
        } else {
            m.status = Status.Pending;
            _s.applications[msg.sender] = S.Application(uint32(shares), SafeCast.toUint224(amount));
            _s.counters.heldForApplications += SafeCast.toUint96(amount);
            emit MemberApplied(msg.sender, shares, amount);
        }
    }

    /// @inheritdoc ICoopMembership
    function withdrawApplication() external nonReentrant {
        G.withdrawApplication(_s, msg.sender);
    }

    /// @inheritdoc ICoopMembership
    function buyShares(uint256 shares) external payable nonReentrant {
        _collect(G.buyShares(_s, msg.sender, shares));
    }

    /// @inheritdoc ICoopMembership
    function requestRedemption(uint256 shares) external nonReentrant {
        G.redeem(_s, msg.sender, shares);
    }

    /// @inheritdoc ICoopMembership
    function leave() external nonReentrant {
        G.leave(_s, msg.sender);
    }

    /// @inheritdoc ICoopMembership
    function withdrawRefund() external nonReentrant {
        S.Refund memory r = _s.refunds[msg.sender];
        if (r.amount == 0) revert MembershipNothingToWithdraw(msg.sender);
        if (block.timestamp < r.availableAt) revert MembershipRefundLocked(msg.sender, r.availableAt);
        S.checkNotUnderContest(_s, msg.sender, _s.members[msg.sender].index);
        delete _s.refunds[msg.sender];
        _s.owedRefunds -= r.amount;
        emit RefundWithdrawn(msg.sender, r.amount);
        _pay(msg.sender, r.amount);
    }

    /// @inheritdoc ICoopMembership
    function endSuspension(address account) external {
        G.reinstate(_s, account, false);
    }

    /// @inheritdoc ICoopMembership
    function enfranchise(address[] calldata accounts) external returns (uint256 enfranchised) {
        uint256 seniority = _s.settings.votingSeniority;
        uint40 now_ = uint40(block.number);
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            S.Member storage m = _s.members[account];
            if (m.status != Status.Active || m.votesFrom != 0 || m.admittedAt + seniority > now_) continue;
            // The current state covers [since, now] with no vote; voting from now on, written in
            // place, leaves every answer about a past timepoint as it was.
            m.votesFrom = now_;
            ++enfranchised;
            emit IVotes.DelegateVotesChanged(account, 0, 1);
        }
        if (enfranchised != 0) S.writeTotals(_s, 0, int256(enfranchised));
    }

    /// @inheritdoc ICoopMembership
    function moveMembership(address newAccount) external nonReentrant {
        G.move(_s, msg.sender, newAccount, msg.sender, 0);
    }

    /// @inheritdoc ICoopMembership
    function contest(address account) external {
        G.contest(_s, account, msg.sender);
    }

    // ================================================================ governance

    /// @inheritdoc ICoopMembership
    function admit(address account, bytes32 attestation) external onlyGovernance {
        G.admit(_s, account, attestation, msg.sender, 0);
    }

    /// @inheritdoc ICoopMembership
    function admitMany(address[] calldata accounts, bytes32[] calldata attestations) external onlyGovernance {
        G.admitMany(_s, accounts, attestations, msg.sender);
    }

    /// @inheritdoc ICoopMembership
    function reject(address account, bytes32 reasonHash) external onlyGovernance {
        G.reject(_s, account, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function rejectMany(address[] calldata accounts, bytes32[] calldata reasonHashes) external onlyGovernance {
        G.rejectMany(_s, accounts, reasonHashes);
    }

    /// @inheritdoc ICoopMembership
    function warn(address account, bytes32 reasonHash) external onlyGovernance {
        G.warn(_s, account, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function suspend(address account, uint48 until, bytes32 reasonHash) external onlyGovernance {
        G.suspend(_s, account, until, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function reinstate(address account) external onlyGovernance {
        G.reinstate(_s, account, true);
    }

    /// @inheritdoc ICoopMembership
    function expel(address account, bytes32 reasonHash) external onlyGovernance {
        G.expel(_s, account, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function recoverMembership(address lost, address newAccount) external onlyGovernance {
        G.move(_s, lost, newAccount, msg.sender, 0);
    }

    /// @inheritdoc ICoopMembership
    function annul(address account) external onlyGovernance {
        G.annul(_s, account, msg.sender);
    }

    /// @inheritdoc ICoopMembership
    function setSharePrice(uint256 price) external onlyGovernance {
        G.setSharePrice(_s, price);
    }

    /// @inheritdoc ICoopMembership
    function setShareCap(uint32 cap) external onlyGovernance {
        G.setShareCap(_s, cap);
    }

    /// @inheritdoc ICoopMembership
    function setAdmissionPolicy(AdmissionPolicy policy) external onlyGovernance {
        G.setAdmissionPolicy(_s, policy);
    }

    /// @inheritdoc ICoopMembership
    function setRedemptionNotice(uint32 notice) external onlyGovernance {
        G.setRedemptionNotice(_s, notice, _MAX_NOTICE);
    }

    /// @inheritdoc ICoopMembership
    function setVotingSeniority(uint32 seniority) external onlyGovernance {
        G.setVotingSeniority(_s, seniority);
    }

    /// @inheritdoc ICoopMembership
    function setContestWindow(uint32 window) external onlyGovernance {
        G.setContestWindow(_s, window, _MAX_CONTEST_WINDOW);
    }

    // ================================================================ admissions committee

    /// @inheritdoc ICoopMembership
    function committeeAdmit(address account, bytes32 attestation, address by) external onlyCommittee {
        G.admit(_s, account, attestation, by, block.timestamp + _s.contestWindow);
    }

    /// @inheritdoc ICoopMembership
    function committeeReject(address account, bytes32 reasonHash) external onlyCommittee {
        G.reject(_s, account, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function committeeRecover(address lost, address newAccount, address by) external onlyCommittee {
        G.move(_s, lost, newAccount, by, block.timestamp + _s.contestWindow);
    }

    // ================================================================ IVotes / IERC6372

    /// @notice Block numbers: proposals' snapshots and deadlines are blocks.
    function clock() public view returns (uint48) {
        return uint48(block.number);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    function getVotes(address account) external view returns (uint256) {
        S.Member memory m = _s.members[account];
        return m.status == Status.Active && m.votesFrom != 0 ? 1 : 0;
    }

    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        (uint256 votesFrom, ) = _stateAt(_s.members[account], timepoint, false);
        return _votes(votesFrom, timepoint);
    }

    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return S.totalsAt(_s, timepoint).voters;
    }

    /// @notice Every active member is its own (and only) delegate.
    function delegates(address account) external view returns (address) {
        return _s.members[account].status == Status.Active ? account : address(0);
    }

    /// @notice Delegation is disabled: one member, one vote, cast in person.
    function delegate(address) external pure {
        revert MembershipDelegationDisabled();
    }

    /// @notice Delegation is disabled: one member, one vote, cast in person.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external pure {
        revert MembershipDelegationDisabled();
    }

    /// @notice Shares are not transferable: there is no transfer function, and this one says so.
    function transfer(address, uint256) external pure returns (bool) {
        revert MembershipSharesNotTransferable();
    }

    // ================================================================ views

    function governance() external view returns (address) {
        return _governance;
    }

    function committee() external view returns (address) {
        return _committee;
    }

    function asset() external view returns (address) {
        return _asset;
    }

    function sharePrice() external view returns (uint256) {
        return _s.settings.sharePrice;
    }

    function shareCap() external view returns (uint256) {
        return _s.settings.shareCap;
    }

    function admissionPolicy() external view returns (AdmissionPolicy) {
        return _s.settings.policy;
    }

    function redemptionNotice() external view returns (uint256) {
        return _s.settings.redemptionNotice;
    }

    function votingSeniority() external view returns (uint256) {
        return _s.settings.votingSeniority;
    }

    function contestWindow() external view returns (uint256) {
        return _s.contestWindow;
    }

    function member(address account) external view returns (MemberView memory) {
        S.Member memory m = _s.members[account];
        S.Sanctions memory sanctions = _s.sanctions[m.index];
        bool current = S.isMember(m.status);
        return MemberView({
            status: m.status,
            index: m.index,
            shares: m.shares,
            capital: current ? _s.cards[m.index].capital : 0,
            joinedAt: m.admittedAt,
            suspendedUntil: m.status == Status.Suspended ? sanctions.suspendedUntil : 0,
            warnings: sanctions.warnings,
            votesFrom: m.votesFrom
        });
    }

    function application(address account) external view returns (uint256 shares, uint256 amount) {
        S.Application memory a = _s.applications[account];
        return (a.shares, a.amount);
    }

    function refund(address account) external view returns (uint256 amount, uint256 availableAt) {
        S.Refund memory r = _s.refunds[account];
        return (r.amount, r.availableAt);
    }

    function contestOf(uint256 index) external view returns (Contest memory) {
        return _s.contests[index];
    }

    function memberCount() external view returns (uint256) {
        return _s.counters.activeMembers;
    }

    function voterCount() external view returns (uint256) {
        return S.latestTotals(_s).voters;
    }

    function totalCapital() external view returns (uint256) {
        return S.latestTotals(_s).capital;
    }

    function totalShares() external view returns (uint256) {
        return _s.counters.totalShares;
    }

    function liabilities() external view returns (uint256 heldForApplications, uint256 owedRefunds) {
        return (_s.counters.heldForApplications, _s.owedRefunds);
    }

    function memberIndex(address account) external view returns (uint256) {
        return _s.members[account].index;
    }

    function accountOf(uint256 index) external view returns (address) {
        return _s.cards[index].holder;
    }

    function canEnfranchise(address account) external view returns (bool) {
        S.Member memory m = _s.members[account];
        return m.status == Status.Active && m.votesFrom == 0 && m.admittedAt + _s.settings.votingSeniority <= block.number;
    }

    /// @inheritdoc ICoopMembership
    function voteWeight(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index) {
        S.Member memory m = _s.members[account];
        if (m.status != Status.Active) return (0, m.index);
        (uint256 votesFrom, ) = _stateAt(m, timepoint, false);
        return (_votes(votesFrom, timepoint), m.index);
    }

    function getPastCapital(address account, uint256 timepoint) external view returns (uint256 capital) {
        _checkPast(timepoint);
        (, capital) = _stateAt(_s.members[account], timepoint, true);
    }

    function getPastTotalCapital(uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return S.totalsAt(_s, timepoint).capital;
    }

    // ================================================================ card (MembershipCard)

    function _cardOf(uint256 tokenId) internal view override returns (address holder, CardRenderer.Card memory card) {
        holder = _s.cards[tokenId].holder;
        S.Member memory m = _s.members[holder];
        if (tokenId == 0 || m.index != tokenId || !S.isMember(m.status)) holder = address(0);
        card = CardRenderer.Card({number: tokenId, since: m.admittedAt, active: m.status == Status.Active, voter: m.votesFrom != 0});
    }

    function _holds(address account) internal view override returns (bool) {
        return S.isMember(_s.members[account].status);
    }

    // ================================================================ internals

    /// @dev (votesFrom, capital) of a membership at `timepoint`: the current state if it began
    /// at or before it (one slot, or two with the capital), else a binary search of the archive.
    function _stateAt(
        S.Member memory m,
        uint256 timepoint,
        bool withCapital
    ) private view returns (uint256 votesFrom, uint256 capital) {
        if (m.since == 0) return (0, 0);
        if (m.since <= timepoint) return (m.votesFrom, withCapital ? _s.cards[m.index].capital : 0);
        mapping(uint256 => S.State) storage h = _s.history[m.index];
        uint256 low = 0;
        uint256 high = m.checkpoints; // the current state, after h[n - 1], began after timepoint
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (h[mid].clock > timepoint) high = mid;
            else low = mid + 1;
        }
        if (low == 0) return (0, 0);
        S.State memory st = h[low - 1];
        return (st.votesFrom, st.capital);
    }

    function _votes(uint256 votesFrom, uint256 timepoint) private pure returns (uint256) {
        return votesFrom != 0 && votesFrom <= timepoint ? 1 : 0;
    }

    function _checkPast(uint256 timepoint) private view {
        uint48 now_ = clock();
        if (timepoint >= now_) revert MembershipFutureLookup(timepoint, now_);
    }

    function _collect(uint256 amount) private {
        if (_asset == address(0)) {
            if (msg.value != amount) revert MembershipWrongPayment(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert MembershipWrongPayment(0, msg.value);
        IERC20 token = IERC20(_asset);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert MembershipTransferShortfall(amount, received);
    }

    function _pay(address to, uint256 amount) private {
        if (_asset == address(0)) Address.sendValue(payable(to), amount);
        else IERC20(_asset).safeTransfer(to, amount);
    }
}
