// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Surplus sharing and contributor rewards of a cooperative
/// @notice Work is counted in fiscal periods: treasurers record patronage / contribution points,
/// for members and for non-member contributors, within a budget that governance approved for the
/// period. When a closed period's surplus is allocated (by a passed proposal, through the
/// timelock), it is split into: a reserve share first, then limited interest on share capital
/// (a rate capped by statute, pro rata to capital held at the period's close), then patronage
/// refunds pro rata to points. Everyone pulls their own amount in O(1) gas; what is not claimed by
/// the deadline, and all rounding dust, goes to the reserve.
interface ICoopRewards {
    struct Period {
        uint48 openedAt; // clock (block number)
        uint48 snapshot; // clock of the capital snapshot, set when the period closes (0 = open)
        uint128 pointsBudget;
        uint128 totalPoints;
        bool closed;
    }

    struct Allocation {
        uint128 funded;
        uint128 reserve; // the reserve share, plus anything nobody could claim
        uint128 interestPool;
        uint128 patronagePool;
        uint128 claimed;
        uint48 deadline; // unix time, last moment to claim
        bool swept;
        uint256 totalCapital; // capital of all members at the period's snapshot
    }

    error RewardsUnauthorized(address caller);
    error RewardsNotTreasurer(address caller);
    error RewardsZeroAddress();
    error RewardsUnknownPeriod(uint256 periodId);
    error RewardsPeriodStillOpen(uint256 periodId);
    error RewardsPeriodClosed(uint256 periodId);
    error RewardsBudgetExceeded(uint256 periodId, uint256 totalPoints, uint256 budget);
    error RewardsBudgetBelowRecorded(uint256 periodId, uint256 budget, uint256 recorded);
    error RewardsLengthMismatch(uint256 accounts, uint256 points);
    error RewardsAlreadyAllocated(uint256 periodId);
    error RewardsNotAllocated(uint256 periodId);
    error RewardsZeroAmount();
    error RewardsInvalidBps(uint256 bps);
    error RewardsReserveBelowMinimum(uint256 reserveBps, uint256 minimumBps);
    error RewardsInterestAboveCap(uint256 rateBps, uint256 capBps);
    error RewardsInvalidClaimWindow(uint256 window);
    error RewardsWrongPayment(uint256 expected, uint256 received);
    error RewardsTransferShortfall(uint256 expected, uint256 received);
    error RewardsNothingToClaim(uint256 periodId, address account);
    error RewardsClaimWindowClosed(uint256 periodId, uint256 deadline);
    error RewardsClaimWindowOpen(uint256 periodId, uint256 deadline);
    error RewardsAlreadySwept(uint256 periodId);
    error RewardsInsufficientReserve(uint256 requested, uint256 available);

    event TreasurerSet(address indexed account, bool enabled);
    event MinReserveSet(uint256 oldBps, uint256 newBps);
    event InterestCapSet(uint256 oldBps, uint256 newBps);
    event PeriodOpened(uint256 indexed periodId, uint256 pointsBudget);
    event PeriodBudgetSet(uint256 indexed periodId, uint256 oldBudget, uint256 newBudget);
    event PointsRecorded(uint256 indexed periodId, address indexed account, uint256 points, uint256 accountPoints, bytes32 reasonHash);
    event PeriodClosed(uint256 indexed periodId, uint256 snapshot, uint256 totalPoints);
    event SurplusAllocated(
        uint256 indexed periodId,
        uint256 funded,
        uint256 reserve,
        uint256 interestPool,
        uint256 patronagePool,
        uint256 totalCapital,
        uint256 deadline
    );
    event Claimed(uint256 indexed periodId, address indexed account, uint256 amount, uint256 interest, uint256 patronage);
    event Swept(uint256 indexed periodId, uint256 amount);
    event ReserveReleased(address indexed to, uint256 amount);

    // ---------------------------------------------------------------- governance
    function setTreasurer(address account, bool enabled) external;
    function setMinReserve(uint16 bps) external;
    function setInterestCap(uint16 bps) external;
    /// @notice Open the next period with a budget of points; the previous one must be closed.
    function openPeriod(uint128 pointsBudget) external returns (uint256 periodId);
    function setPeriodBudget(uint256 periodId, uint128 pointsBudget) external;
    /// @notice Fund a closed period's surplus (ETH as msg.value, or the ERC-20 by allowance) and
    /// split it; claims open at once and end after `claimWindow` seconds.
    function allocate(uint256 periodId, uint256 amount, uint16 reserveBps, uint16 interestRateBps, uint32 claimWindow)
        external
        payable;
    function releaseReserve(address to, uint256 amount) external;

    // ---------------------------------------------------------------- treasurers
    function recordPoints(uint256 periodId, address[] calldata accounts, uint256[] calldata points_, bytes32 reasonHash)
        external;
    /// @notice Close the open period (treasurer or governance); capital is counted one block
    /// before.
    function closePeriod(uint256 periodId) external;

    // ---------------------------------------------------------------- everyone
    function claim(uint256 periodId) external returns (uint256 amount);
    /// @notice After the deadline, return what was not claimed to the reserve (anyone may call).
    function sweep(uint256 periodId) external returns (uint256 amount);

    // ---------------------------------------------------------------- views
    function membership() external view returns (address);
    function governance() external view returns (address);
    function asset() external view returns (address);
    function isTreasurer(address account) external view returns (bool);
    function minReserveBps() external view returns (uint256);
    function interestCapBps() external view returns (uint256);
    function periodCount() external view returns (uint256);
    function period(uint256 periodId) external view returns (Period memory);
    function allocation(uint256 periodId) external view returns (Allocation memory);
    function points(uint256 periodId, address account) external view returns (uint256);
    function hasClaimed(uint256 periodId, address account) external view returns (bool);
    function claimable(uint256 periodId, address account) external view returns (uint256 interest, uint256 patronage);
    function reserve() external view returns (uint256);
}
