// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICoopMembership} from "./interfaces/ICoopMembership.sol";
import {ICoopRewards} from "./interfaces/ICoopRewards.sol";

/// @title CoopRewards
/// @notice Fiscal periods, patronage / contribution points, and surplus allocations that every
/// recipient pulls in O(1) gas. Pays in the co-op's share currency (ETH or its ERC-20).
contract CoopRewards is ICoopRewards, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;
    uint32 private constant _MIN_CLAIM_WINDOW = 1 days;
    uint32 private constant _MAX_CLAIM_WINDOW = 10 * 365 days;
    /// @dev Top bit of an account's points word: its share of the period's allocation was claimed.
    /// Points never reach it (a period's points fit in its uint128 budget), and a claim then
    /// rewrites a slot it has just read instead of paying for a fresh one.
    uint256 private constant _CLAIMED = 1 << 255;

    /// @dev What `claim` needs, in three slots it reads (and one it writes): the pools; what is
    /// left to claim with the window and snapshot; the denominators. `allocation()` returns the
    /// interface's `Allocation` built from it.
    struct AllocationState {
        uint128 interestPool;
        uint128 patronagePool;
        // ---
        uint128 unclaimed; // interestPool + patronagePool - claimed; a sweep moves it to the reserve
        uint48 deadline; // unix time, last moment to claim; nonzero once allocated
        uint48 snapshot; // the period's capital snapshot (block)
        bool swept;
        // ---
        uint128 totalCapital;
        uint128 totalPoints;
        // ---
        uint128 funded;
        uint128 reserve;
    }

    ICoopMembership private immutable _membership;
    address private immutable _governance;
    address private immutable _asset;

    uint16 private _minReserveBps;
    uint16 private _interestCapBps;
    uint64 private _periodCount;
    uint256 private _reserve;

    mapping(address account => bool) private _treasurers;
    mapping(uint256 periodId => Period) private _periods;
    mapping(uint256 periodId => AllocationState) private _allocations;
    /// @dev Keyed by person (see {_key}): points | _CLAIMED.
    mapping(uint256 periodId => mapping(uint256 person => uint256)) private _points;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert RewardsUnauthorized(msg.sender);
        _;
    }

    modifier onlyTreasurer() {
        if (!_treasurers[msg.sender]) revert RewardsNotTreasurer(msg.sender);
        _;
    }

    /// @param membership_ the member register (its governance and share currency are used here)
    /// @param minReserveBps_ statutory minimum share of any surplus that goes to the reserve
    /// @param interestCapBps_ statutory cap on the interest rate paid on share capital
    /// @param treasurers_ the first treasurers (later ones are named by governance)
    constructor(
        ICoopMembership membership_,
        uint16 minReserveBps_,
        uint16 interestCapBps_,
        address[] memory treasurers_
    ) {
        if (address(membership_) == address(0)) revert RewardsZeroAddress();
        _membership = membership_;
        _governance = membership_.governance();
        _asset = membership_.asset();
        _setMinReserve(minReserveBps_);
        _setInterestCap(interestCapBps_);
        for (uint256 i = 0; i < treasurers_.length; ++i) {
            _setTreasurer(treasurers_[i], true);
        }
    }

    // ================================================================ governance

    /// @inheritdoc ICoopRewards
    function setTreasurer(address account, bool enabled) external onlyGovernance {
        _setTreasurer(account, enabled);
    }

    /// @inheritdoc ICoopRewards
    function setMinReserve(uint16 bps) external onlyGovernance {
        _setMinReserve(bps);
    }

    /// @inheritdoc ICoopRewards
    function setInterestCap(uint16 bps) external onlyGovernance {
        _setInterestCap(bps);
    }

    /// @inheritdoc ICoopRewards
    function openPeriod(uint128 pointsBudget) external onlyGovernance returns (uint256 periodId) {
        uint256 last = _periodCount;
        if (last != 0 && !_periods[last].closed) revert RewardsPeriodStillOpen(last);
        periodId = last + 1;
        _periodCount = uint64(periodId); // one period per proposal: never near 2**64
        _periods[periodId] = Period({
            openedAt: uint48(block.number),
            snapshot: 0,
            pointsBudget: pointsBudget,
            totalPoints: 0,
            closed: false
        });
        emit PeriodOpened(periodId, pointsBudget);
    }

    /// @inheritdoc ICoopRewards
    function setPeriodBudget(uint256 periodId, uint128 pointsBudget) external onlyGovernance {
        Period storage p = _openPeriod(periodId);
        if (pointsBudget < p.totalPoints) revert RewardsBudgetBelowRecorded(periodId, pointsBudget, p.totalPoints);
        uint256 old = p.pointsBudget;
        p.pointsBudget = pointsBudget;
        emit PeriodBudgetSet(periodId, old, pointsBudget);
    }

    /// @inheritdoc ICoopRewards
    function allocate(
        uint256 periodId,
        uint256 amount,
        uint16 reserveBps,
        uint16 interestRateBps,
        uint32 claimWindow
    ) external payable onlyGovernance nonReentrant {
        Period memory p = _periods[periodId];
        if (p.openedAt == 0) revert RewardsUnknownPeriod(periodId);
        if (!p.closed) revert RewardsPeriodStillOpen(periodId);
        if (_allocations[periodId].deadline != 0) revert RewardsAlreadyAllocated(periodId);
        if (amount == 0) revert RewardsZeroAmount();
        if (reserveBps > _BPS) revert RewardsInvalidBps(reserveBps);
        if (reserveBps < _minReserveBps) revert RewardsReserveBelowMinimum(reserveBps, _minReserveBps);
        if (interestRateBps > _interestCapBps) revert RewardsInterestAboveCap(interestRateBps, _interestCapBps);
        if (claimWindow < _MIN_CLAIM_WINDOW || claimWindow > _MAX_CLAIM_WINDOW) {
            revert RewardsInvalidClaimWindow(claimWindow);
        }
        _collect(amount);

        // Reserves first, then limited interest on capital, then patronage refunds.
        uint256 toReserve = (amount * reserveBps) / _BPS;
        uint256 rest = amount - toReserve;
        uint256 totalCapital = _membership.getPastTotalCapital(p.snapshot);
        uint256 interestPool = (totalCapital * interestRateBps) / _BPS;
        if (interestPool > rest) interestPool = rest;
        uint256 patronagePool = rest - interestPool;
        if (p.totalPoints == 0) {
            toReserve += patronagePool; // nobody to refund: it all stays in the reserve
            patronagePool = 0;
        }
        _reserve += toReserve;
        uint256 deadline = block.timestamp + claimWindow;
        _allocations[periodId] = AllocationState({
            interestPool: uint128(interestPool), // <= amount
            patronagePool: uint128(patronagePool), // <= amount
            unclaimed: uint128(interestPool + patronagePool), // <= amount
            deadline: uint48(deadline),
            snapshot: p.snapshot,
            swept: false,
            totalCapital: SafeCast.toUint128(totalCapital),
            totalPoints: p.totalPoints,
            funded: SafeCast.toUint128(amount),
            reserve: uint128(toReserve) // <= amount
        });
        emit SurplusAllocated(periodId, amount, toReserve, interestPool, patronagePool, totalCapital, deadline);
    }

    /// @inheritdoc ICoopRewards
    function releaseReserve(address to, uint256 amount) external onlyGovernance nonReentrant {
        if (to == address(0)) revert RewardsZeroAddress();
        uint256 available = _reserve;
        if (amount > available) revert RewardsInsufficientReserve(amount, available);
        _reserve = available - amount;
        emit ReserveReleased(to, amount);
        _pay(to, amount);
    }

    // ================================================================ treasurers

    /// @inheritdoc ICoopRewards
    function recordPoints(
        uint256 periodId,
        address[] calldata accounts,
        uint256[] calldata points_,
        bytes32 reasonHash
    ) external onlyTreasurer {
        if (accounts.length != points_.length) revert RewardsLengthMismatch(accounts.length, points_.length);
        Period storage p = _openPeriod(periodId);
        uint256 total = p.totalPoints;
        mapping(uint256 => uint256) storage ledger = _points[periodId];
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert RewardsZeroAddress();
            uint256 person = _key(account);
            uint256 accountPoints = ledger[person] + points_[i];
            ledger[person] = accountPoints;
            total += points_[i];
            emit PointsRecorded(periodId, account, points_[i], accountPoints, reasonHash);
        }
        if (total > p.pointsBudget) revert RewardsBudgetExceeded(periodId, total, p.pointsBudget);
        p.totalPoints = uint128(total); // <= pointsBudget, a uint128
    }

    /// @inheritdoc ICoopRewards
    function closePeriod(uint256 periodId) external {
        if (!_treasurers[msg.sender] && msg.sender != _governance) revert RewardsNotTreasurer(msg.sender);
        Period storage p = _openPeriod(periodId);
        p.closed = true;
        p.snapshot = uint48(block.number - 1);
        emit PeriodClosed(periodId, p.snapshot, p.totalPoints);
    }

    // ================================================================ everyone

    /// @inheritdoc ICoopRewards
    function claim(uint256 periodId) external nonReentrant returns (uint256 amount) {
        AllocationState storage a = _allocations[periodId];
        uint256 deadline = a.deadline;
        if (deadline == 0) revert RewardsNotAllocated(periodId);
        if (a.swept || block.timestamp > deadline) revert RewardsClaimWindowClosed(periodId, deadline);
        uint256 person = _key(msg.sender);
        uint256 word = _points[periodId][person];
        (uint256 interest, uint256 patronage) = _owed(a, msg.sender, word);
        amount = interest + patronage;
        if (amount == 0) revert RewardsNothingToClaim(periodId, msg.sender);
        _points[periodId][person] = word | _CLAIMED;
        a.unclaimed -= uint128(amount); // pro-rata shares rounded down never exceed the pools
        emit Claimed(periodId, msg.sender, amount, interest, patronage);
        _pay(msg.sender, amount);
    }

    /// @inheritdoc ICoopRewards
    function sweep(uint256 periodId) external returns (uint256 amount) {
        AllocationState storage a = _allocations[periodId];
        if (a.deadline == 0) revert RewardsNotAllocated(periodId);
        if (a.swept) revert RewardsAlreadySwept(periodId);
        if (block.timestamp <= a.deadline) revert RewardsClaimWindowOpen(periodId, a.deadline);
        amount = a.unclaimed; // kept, so that `claimed` stays what members claimed
        a.swept = true;
        a.reserve += uint128(amount); // reserve + pools == funded, a uint128
        _reserve += amount;
        emit Swept(periodId, amount);
    }

    // ================================================================ views

    function membership() external view returns (address) {
        return address(_membership);
    }

    function governance() external view returns (address) {
        return _governance;
    }

    function asset() external view returns (address) {
        return _asset;
    }

    function isTreasurer(address account) external view returns (bool) {
        return _treasurers[account];
    }

    function minReserveBps() external view returns (uint256) {
        return _minReserveBps;
    }

    function interestCapBps() external view returns (uint256) {
        return _interestCapBps;
    }

    function periodCount() external view returns (uint256) {
        return _periodCount;
    }

    function period(uint256 periodId) external view returns (Period memory) {
        return _periods[periodId];
    }

    function allocation(uint256 periodId) external view returns (Allocation memory) {
        AllocationState storage a = _allocations[periodId];
        return Allocation({
            funded: a.funded,
            reserve: a.reserve,
            interestPool: a.interestPool,
            patronagePool: a.patronagePool,
            claimed: a.interestPool + a.patronagePool - a.unclaimed,
            deadline: a.deadline,
            swept: a.swept,
            totalCapital: a.totalCapital
        });
    }

    function points(uint256 periodId, address account) external view returns (uint256) {
        return _points[periodId][_key(account)] & ~_CLAIMED;
    }

    function hasClaimed(uint256 periodId, address account) external view returns (bool) {
        return _points[periodId][_key(account)] & _CLAIMED != 0;
    }

    /// @inheritdoc ICoopRewards
    function claimable(uint256 periodId, address account) external view returns (uint256 interest, uint256 patronage) {
        AllocationState storage a = _allocations[periodId];
        if (a.deadline == 0 || a.swept || block.timestamp > a.deadline) return (0, 0);
        return _owed(a, account, _points[periodId][_key(account)]);
    }

    function reserve() external view returns (uint256) {
        return _reserve;
    }

    // ================================================================ internals

    /// @dev O(1): two pro-rata shares, each rounded down, so their sum over all accounts never
    /// exceeds the pools; the dust stays until swept into the reserve. `word` is the account's
    /// points word (points | _CLAIMED).
    function _owed(
        AllocationState storage a,
        address account,
        uint256 word
    ) private view returns (uint256 interest, uint256 patronage) {
        if (word & _CLAIMED != 0) return (0, 0);
        uint256 interestPool = a.interestPool;
        if (interestPool != 0) {
            uint256 capital = _membership.getPastCapital(account, a.snapshot);
            interest = (interestPool * capital) / a.totalCapital; // interestPool != 0 => totalCapital != 0
        }
        uint256 patronagePool = a.patronagePool;
        if (patronagePool != 0) {
            patronage = (patronagePool * word) / a.totalPoints; // patronagePool != 0 => totalPoints != 0
        }
    }

    /// @dev Rewards belong to the person: a member's (or former member's) points and claims are
    /// keyed by its permanent member index, so they follow a move of the membership to a new
    /// account, and a moved person cannot claim twice; a non-member contributor's by its address.
    function _key(address account) private view returns (uint256) {
        uint256 index = _membership.memberIndex(account);
        return index != 0 ? index : uint256(uint160(account)) | (1 << 160);
    }

    function _openPeriod(uint256 periodId) private view returns (Period storage p) {
        p = _periods[periodId];
        if (p.openedAt == 0) revert RewardsUnknownPeriod(periodId);
        if (p.closed) revert RewardsPeriodClosed(periodId);
    }

    function _collect(uint256 amount) private {
        if (_asset == address(0)) {
            if (msg.value != amount) revert RewardsWrongPayment(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert RewardsWrongPayment(0, msg.value);
        IERC20 token = IERC20(_asset);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert RewardsTransferShortfall(amount, received);
    }

    function _pay(address to, uint256 amount) private {
        if (_asset == address(0)) Address.sendValue(payable(to), amount);
        else IERC20(_asset).safeTransfer(to, amount);
    }

    function _setTreasurer(address account, bool enabled) private {
        if (account == address(0)) revert RewardsZeroAddress();
        _treasurers[account] = enabled;
        emit TreasurerSet(account, enabled);
    }

    function _setMinReserve(uint16 bps) private {
        if (bps > _BPS) revert RewardsInvalidBps(bps);
        uint256 old = _minReserveBps;
        _minReserveBps = bps;
        emit MinReserveSet(old, bps);
    }

    function _setInterestCap(uint16 bps) private {
        if (bps > _BPS) revert RewardsInvalidBps(bps);
        uint256 old = _interestCapBps;
        _interestCapBps = bps;
        emit InterestCapSet(old, bps);
    }
}
