// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICoopMembership} from "./interfaces/ICoopMembership.sol";

/// @title CoopMembership
/// @notice Member register, share capital and one-member-one-vote voting power of a cooperative.
/// @dev Voting history is kept per account as checkpoints of `capital << 1 | active`, so one
/// lookup answers both "could this account vote at the snapshot" and "what capital did it hold"
/// (used for limited interest on capital). The number of an account's checkpoints lives in its
/// member slot, which every vote reads anyway. Totals are checkpointed as
/// `totalCapital << 32 | activeMembers`.
contract CoopMembership is ICoopMembership, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    uint256 private constant _ACTIVE_MASK = (1 << 32) - 1;
    uint48 private constant _MAX_NOTICE = 5 * 365 days;

    struct Member {
        Status status;
        uint32 index;
        uint32 shares;
        uint32 checkpoints;
        uint48 joinedAt;
        uint48 suspendedUntil;
        uint16 warnings;
    }

    struct Checkpoint {
        uint48 clock;
        uint208 value; // capital << 1 | active
    }

    struct Settings {
        uint128 sharePrice;
        uint32 shareCap;
        AdmissionPolicy policy;
        uint48 redemptionNotice;
    }

    struct Application {
        uint32 shares;
        uint224 amount;
    }

    struct Refund {
        uint208 amount;
        uint48 availableAt;
    }

    address private immutable _governance;
    address private immutable _asset;

    Settings private _settings;
    uint32 private _lastIndex;
    uint64 private _totalShares;
    uint128 private _heldForApplications;
    uint256 private _owedRefunds;

    mapping(address account => Member) private _members;
    mapping(address account => mapping(uint256 n => Checkpoint)) private _history;
    mapping(address account => Application) private _applications;
    mapping(address account => Refund) private _refunds;
    Checkpoints.Trace208 private _totals;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert MembershipUnauthorized(msg.sender);
        _;
    }

    /// @param governance_ the co-op's timelock: the only account that can change settings or
    /// statuses
    /// @param asset_ address(0) for ETH, or the ERC-20 used as share currency (fixed for life)
    constructor(
        address governance_,
        address asset_,
        uint256 sharePrice_,
        uint32 shareCap_,
        AdmissionPolicy policy_,
        uint48 redemptionNotice_
    ) {
        if (governance_ == address(0)) revert MembershipZeroAddress();
        _governance = governance_;
        // address(0) is meaningful: the share currency is ETH
        // slither-disable-next-line missing-zero-check
        _asset = asset_;
        _setSharePrice(sharePrice_);
        _setShareCap(shareCap_);
        _setAdmissionPolicy(policy_);
        _setRedemptionNotice(redemptionNotice_);
    }

    // ================================================================ members

    /// @inheritdoc ICoopMembership
    function join(uint256 shares) external payable nonReentrant {
        if (shares == 0) revert MembershipZeroShares();
        Member storage m = _members[msg.sender];
        Status status = m.status;
        if (status == Status.Expelled) revert MembershipExpelledAccount(msg.sender);
        if (status != Status.None) revert MembershipAlreadyMember(msg.sender, status);
        Settings memory s = _settings;
        if (shares > s.shareCap) revert MembershipShareCapExceeded(msg.sender, shares, s.shareCap);
        uint256 amount = shares * s.sharePrice;
        _collect(amount);
        // Under the approval policy the very first member (the founder) is admitted at once:
        // nobody has ever been a member who could approve an application.
        if (s.policy == AdmissionPolicy.Open || _lastIndex == 0) {
            _activate(msg.sender, m, shares, amount);
        } else {
            m.status = Status.Pending;
            _applications[msg.sender] = Application(uint32(shares), SafeCast.toUint224(amount));
            _heldForApplications += SafeCast.toUint128(amount);
            emit MemberApplied(msg.sender, shares, amount);
        }
    }

    /// @inheritdoc ICoopMembership
    function withdrawApplication() external nonReentrant {
        uint256 amount = _closeApplication(msg.sender);
        emit ApplicationWithdrawn(msg.sender, amount);
    }

    /// @inheritdoc ICoopMembership
    function buyShares(uint256 shares) external payable nonReentrant {
        if (shares == 0) revert MembershipZeroShares();
        Member storage m = _members[msg.sender];
        if (m.status != Status.Active) revert MembershipNotActive(msg.sender, m.status);
        Settings memory s = _settings;
        uint256 held = m.shares + shares;
        if (held > s.shareCap) revert MembershipShareCapExceeded(msg.sender, held, s.shareCap);
        uint256 amount = shares * s.sharePrice;
        _collect(amount);
        uint256 capital = _capitalOf(msg.sender, m) + amount;
        m.shares = uint32(held); // held <= shareCap, a uint32
        _totalShares += uint64(shares);
        _writeAccount(msg.sender, m, capital, true);
        _writeTotals(int256(amount), 0);
        emit SharesPurchased(msg.sender, shares, amount, held, capital);
    }

    /// @inheritdoc ICoopMembership
    function requestRedemption(uint256 shares) external nonReentrant {
        if (shares == 0) revert MembershipZeroShares();
        Member storage m = _members[msg.sender];
        Status status = m.status;
        if (status != Status.Active && status != Status.Suspended) revert MembershipNotMember(msg.sender, status);
        uint256 held = m.shares;
        if (shares >= held) revert MembershipRedemptionTooLarge(msg.sender, shares, held);
        uint256 capital = _capitalOf(msg.sender, m);
        uint256 amount = (capital * shares) / held; // rounds down: the remainder stays with the member
        // shares < held <= type(uint32).max
        m.shares = uint32(held - shares);
        _totalShares -= uint64(shares);
        _writeAccount(msg.sender, m, capital - amount, status == Status.Active);
        _writeTotals(-int256(amount), 0);
        uint256 availableAt = _credit(msg.sender, amount, block.timestamp + _settings.redemptionNotice);
        emit RedemptionRequested(msg.sender, shares, amount, availableAt);
    }

    /// @inheritdoc ICoopMembership
    function leave() external nonReentrant {
        Member storage m = _members[msg.sender];
        Status status = m.status;
        if (status != Status.Active && status != Status.Suspended) revert MembershipNotMember(msg.sender, status);
        (uint256 shares, uint256 amount) = _end(msg.sender, m, Status.None);
        uint256 availableAt = _credit(msg.sender, amount, block.timestamp + _settings.redemptionNotice);
        emit MemberLeft(msg.sender, shares, amount, availableAt);
    }

    /// @inheritdoc ICoopMembership
    function withdrawRefund() external nonReentrant {
        Refund memory r = _refunds[msg.sender];
        if (r.amount == 0) revert MembershipNothingToWithdraw(msg.sender);
        if (block.timestamp < r.availableAt) revert MembershipRefundLocked(msg.sender, r.availableAt);
        delete _refunds[msg.sender];
        _owedRefunds -= r.amount;
        emit RefundWithdrawn(msg.sender, r.amount);
        _pay(msg.sender, r.amount);
    }

    /// @inheritdoc ICoopMembership
    function endSuspension(address account) external {
        Member storage m = _members[account];
        if (m.status != Status.Suspended) revert MembershipNotSuspended(account, m.status);
        if (block.timestamp < m.suspendedUntil) revert MembershipStillSuspended(account, m.suspendedUntil);
        _reinstate(account, m);
        emit MemberReinstated(account, false);
    }

    // ================================================================ governance

    /// @inheritdoc ICoopMembership
    function admit(address account) external onlyGovernance {
        Member storage m = _members[account];
        if (m.status != Status.Pending) revert MembershipNotPending(account, m.status);
        Application memory a = _applications[account];
        delete _applications[account];
        _heldForApplications -= uint128(a.amount); // a.amount was added as a uint128
        _activate(account, m, a.shares, a.amount);
    }

    /// @inheritdoc ICoopMembership
    function reject(address account, bytes32 reasonHash) external onlyGovernance {
        uint256 amount = _closeApplication(account);
        emit ApplicationRejected(account, reasonHash, amount);
    }

    /// @inheritdoc ICoopMembership
    function warn(address account, bytes32 reasonHash) external onlyGovernance {
        Member storage m = _members[account];
        if (m.status != Status.Active && m.status != Status.Suspended) revert MembershipNotMember(account, m.status);
        uint16 warnings = m.warnings + 1;
        m.warnings = warnings;
        emit MemberWarned(account, warnings, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function suspend(address account, uint48 until, bytes32 reasonHash) external onlyGovernance {
        if (until <= block.timestamp) revert MembershipInvalidSuspension(until);
        Member storage m = _members[account];
        Status status = m.status;
        if (status == Status.Active) {
            m.status = Status.Suspended;
            m.suspendedUntil = until;
            _writeAccount(account, m, _capitalOf(account, m), false);
            _writeTotals(0, -1);
            _emitVotesChanged(account, false);
        } else if (status == Status.Suspended) {
            m.suspendedUntil = until; // extend or shorten a running suspension
        } else {
            revert MembershipNotMember(account, status);
        }
        emit MemberSuspended(account, until, reasonHash);
    }

    /// @inheritdoc ICoopMembership
    function reinstate(address account) external onlyGovernance {
        Member storage m = _members[account];
        if (m.status != Status.Suspended) revert MembershipNotSuspended(account, m.status);
        _reinstate(account, m);
        emit MemberReinstated(account, true);
    }

    /// @inheritdoc ICoopMembership
    function expel(address account, bytes32 reasonHash) external onlyGovernance {
        Member storage m = _members[account];
        Status status = m.status;
        if (status != Status.Active && status != Status.Suspended) revert MembershipNotMember(account, status);
        (uint256 shares, uint256 amount) = _end(account, m, Status.Expelled);
        uint256 availableAt = _credit(account, amount, block.timestamp + _settings.redemptionNotice);
        emit MemberExpelled(account, reasonHash, shares, amount, availableAt);
    }

    /// @inheritdoc ICoopMembership
    function setSharePrice(uint256 price) external onlyGovernance {
        _setSharePrice(price);
    }

    /// @inheritdoc ICoopMembership
    function setShareCap(uint32 cap) external onlyGovernance {
        _setShareCap(cap);
    }

    /// @inheritdoc ICoopMembership
    function setAdmissionPolicy(AdmissionPolicy policy) external onlyGovernance {
        _setAdmissionPolicy(policy);
    }

    /// @inheritdoc ICoopMembership
    function setRedemptionNotice(uint48 notice) external onlyGovernance {
        _setRedemptionNotice(notice);
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
        return _members[account].status == Status.Active ? 1 : 0;
    }

    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return _valueAt(account, _members[account].checkpoints, timepoint) & 1;
    }

    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return _totals.upperLookupRecent(uint48(timepoint)) & _ACTIVE_MASK;
    }

    /// @notice Every active member is its own (and only) delegate.
    function delegates(address account) external view returns (address) {
        return _members[account].status == Status.Active ? account : address(0);
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

    /// @notice Shares are not transferable.
    function transferFrom(address, address, uint256) external pure returns (bool) {
        revert MembershipSharesNotTransferable();
    }

    // ================================================================ views

    function governance() external view returns (address) {
        return _governance;
    }

    function asset() external view returns (address) {
        return _asset;
    }

    function sharePrice() external view returns (uint256) {
        return _settings.sharePrice;
    }

    function shareCap() external view returns (uint256) {
        return _settings.shareCap;
    }

    function admissionPolicy() external view returns (AdmissionPolicy) {
        return _settings.policy;
    }

    function redemptionNotice() external view returns (uint256) {
        return _settings.redemptionNotice;
    }

    function member(address account) external view returns (MemberView memory) {
        Member memory m = _members[account];
        return MemberView({
            status: m.status,
            index: m.index,
            shares: m.shares,
            capital: _valueAt(account, m.checkpoints, block.number) >> 1,
            joinedAt: m.joinedAt,
            suspendedUntil: m.suspendedUntil,
            warnings: m.warnings
        });
    }

    function application(address account) external view returns (uint256 shares, uint256 amount) {
        Application memory a = _applications[account];
        return (a.shares, a.amount);
    }

    function refund(address account) external view returns (uint256 amount, uint256 availableAt) {
        Refund memory r = _refunds[account];
        return (r.amount, r.availableAt);
    }

    function memberCount() external view returns (uint256) {
        return _totals.latest() & _ACTIVE_MASK;
    }

    function totalCapital() external view returns (uint256) {
        return _totals.latest() >> 32;
    }

    function totalShares() external view returns (uint256) {
        return _totalShares;
    }

    function liabilities() external view returns (uint256 heldForApplications, uint256 owedRefunds) {
        return (_heldForApplications, _owedRefunds);
    }

    function memberIndex(address account) external view returns (uint256) {
        return _members[account].index;
    }

    /// @inheritdoc ICoopMembership
    function voteWeight(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index) {
        Member memory m = _members[account];
        if (m.status != Status.Active) return (0, m.index);
        return (_valueAt(account, m.checkpoints, timepoint) & 1, m.index);
    }

    function getPastCapital(address account, uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return _valueAt(account, _members[account].checkpoints, timepoint) >> 1;
    }

    function getPastTotalCapital(uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return _totals.upperLookupRecent(uint48(timepoint)) >> 32;
    }

    // ================================================================ internals

    function _activate(address account, Member storage m, uint256 shares, uint256 amount) private {
        uint32 index = m.index;
        if (index == 0) {
            index = ++_lastIndex; // a member index is permanent: rejoining keeps it
            m.index = index;
        }
        m.status = Status.Active;
        m.shares = uint32(shares); // shares <= shareCap, a uint32
        m.joinedAt = clock();
        _totalShares += uint64(shares);
        _writeAccount(account, m, amount, true);
        _writeTotals(int256(amount), 1);
        emit MemberJoined(account, index, shares, amount);
        _emitVotesChanged(account, true);
    }

    function _end(address account, Member storage m, Status newStatus) private returns (uint256 shares, uint256 amount) {
        bool wasActive = m.status == Status.Active;
        shares = m.shares;
        amount = _capitalOf(account, m);
        m.status = newStatus;
        m.shares = 0;
        m.suspendedUntil = 0;
        _totalShares -= uint64(shares);
        _writeAccount(account, m, 0, false);
        _writeTotals(-int256(amount), wasActive ? int256(-1) : int256(0));
        if (wasActive) _emitVotesChanged(account, false);
    }

    function _reinstate(address account, Member storage m) private {
        m.status = Status.Active;
        m.suspendedUntil = 0;
        _writeAccount(account, m, _capitalOf(account, m), true);
        _writeTotals(0, 1);
        _emitVotesChanged(account, true);
    }

    function _closeApplication(address account) private returns (uint256 amount) {
        Member storage m = _members[account];
        if (m.status != Status.Pending) revert MembershipNotPending(account, m.status);
        amount = _applications[account].amount;
        delete _applications[account];
        m.status = Status.None;
        _heldForApplications -= uint128(amount); // added as a uint128
        _credit(account, amount, block.timestamp);
    }

    /// @dev Adds to an account's refund; the whole refund unlocks at the latest of its dates.
    function _credit(address account, uint256 amount, uint256 availableAt) private returns (uint256) {
        Refund storage r = _refunds[account];
        uint256 unlock = availableAt > r.availableAt ? availableAt : r.availableAt;
        if (amount == 0) return unlock;
        r.amount += SafeCast.toUint208(amount);
        r.availableAt = uint48(unlock); // a block timestamp plus at most _MAX_NOTICE
        _owedRefunds += amount;
        return unlock;
    }

    function _writeAccount(address account, Member storage m, uint256 capital, bool active) private {
        uint208 value = SafeCast.toUint208((capital << 1) | (active ? 1 : 0));
        uint48 now_ = clock();
        uint32 n = m.checkpoints;
        // Same block: overwrite the latest checkpoint. A block-number equality, not a balance one.
        // slither-disable-next-line incorrect-equality
        if (n > 0 && _history[account][n - 1].clock == now_) {
            _history[account][n - 1].value = value;
        } else {
            _history[account][n] = Checkpoint(now_, value);
            m.checkpoints = n + 1;
        }
    }

    function _writeTotals(int256 capitalDelta, int256 activeDelta) private {
        uint256 latest = _totals.latest();
        uint256 capital = uint256(int256(latest >> 32) + capitalDelta);
        uint256 active = uint256(int256(latest & _ACTIVE_MASK) + activeDelta);
        // push returns the previous and new values, both known here already
        // slither-disable-next-line unused-return
        _totals.push(clock(), SafeCast.toUint208((capital << 32) | active));
    }

    function _capitalOf(address account, Member storage m) private view returns (uint256) {
        uint32 n = m.checkpoints;
        return n == 0 ? 0 : _history[account][n - 1].value >> 1;
    }

    /// @dev Value of the account's latest checkpoint at or before `timepoint`; most lookups hit
    /// the latest checkpoint, older ones take a binary search over the account's own history.
    function _valueAt(address account, uint256 n, uint256 timepoint) private view returns (uint256) {
        if (n == 0) return 0;
        mapping(uint256 => Checkpoint) storage h = _history[account];
        Checkpoint memory last = h[n - 1];
        if (last.clock <= timepoint) return last.value;
        uint256 low = 0;
        uint256 high = n - 1; // h[high].clock > timepoint
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (h[mid].clock > timepoint) high = mid;
            else low = mid + 1;
        }
        return low == 0 ? 0 : h[low - 1].value;
    }

    function _checkPast(uint256 timepoint) private view {
        uint48 now_ = clock();
        if (timepoint >= now_) revert MembershipFutureLookup(timepoint, now_);
    }

    function _emitVotesChanged(address account, bool active) private {
        if (active) {
            emit DelegateChanged(account, address(0), account);
            emit DelegateVotesChanged(account, 0, 1);
        } else {
            emit DelegateChanged(account, account, address(0));
            emit DelegateVotesChanged(account, 1, 0);
        }
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

    function _setSharePrice(uint256 price) private {
        if (price == 0 || price > type(uint128).max) revert MembershipInvalidSharePrice(price);
        uint256 old = _settings.sharePrice;
        _settings.sharePrice = uint128(price);
        emit SharePriceSet(old, price);
    }

    function _setShareCap(uint32 cap) private {
        if (cap == 0) revert MembershipInvalidShareCap(cap);
        uint256 old = _settings.shareCap;
        _settings.shareCap = cap;
        emit ShareCapSet(old, cap);
    }

    function _setAdmissionPolicy(AdmissionPolicy policy) private {
        AdmissionPolicy old = _settings.policy;
        _settings.policy = policy;
        emit AdmissionPolicySet(old, policy);
    }

    function _setRedemptionNotice(uint48 notice) private {
        if (notice > _MAX_NOTICE) revert MembershipInvalidNotice(notice);
        uint256 old = _settings.redemptionNotice;
        _settings.redemptionNotice = notice;
        emit RedemptionNoticeSet(old, notice);
    }
}
